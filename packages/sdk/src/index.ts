/** Placeholder: the SDK lands with its own issue. */
export const SDK_VERSION = "0.0.0";
