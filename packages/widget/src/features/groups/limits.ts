/** Group limits of the protocol (`PROTOCOL_LIMITS`): the longest name and picture URL. */
export const GROUP_LIMITS = { name: 64, avatarUrl: 2048 };
