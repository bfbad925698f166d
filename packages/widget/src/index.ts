/** Placeholder: the widget lands with its own issue. */
export const WIDGET_VERSION = "0.0.0";
