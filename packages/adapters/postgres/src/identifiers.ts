/** NOTIFY channel on which `append` announces each commit (payload: its last global position). */
export const notifyChannel = (schema: string): string => `${schema}_appended`;

/** Schema names are validated to `[a-z_][a-z0-9_]*`, so quoting is for clarity only. */
export const quoteIdent = (name: string): string => `"${name}"`;
