// What `npm start` prints once the sandbox runs: where each emulator listens, what the Connect API key is for, the
// passphrase of the encrypted key, and the commands to try (by their titles in the Command Palette).

/**
 * @param {{ snowflake: string, connect: string, connectApiKey: string, passphrase?: string }} info the sandbox
 * @param {string} openUrl the workbench address with the sandbox folder
 * @returns {string[]} the lines, in order
 */
export function sandboxGuide(info, openUrl) {
  return [
    `Snowflake emulator: ${info.snowflake}`,
    `Connect in Snowflake (SPCS) emulator: ${info.connect}`,
    `  Connect API key: ${info.connectApiKey}  (also in .sandbox/sandbox.json)`,
    '  It signs the extension in to Posit Connect as you when it publishes. The first',
    '  "Posit Connect: Publish to Posit Connect…" asks for the server ("Posit Connect: Add Connect Server…"): paste',
    '  the address above, choose "Posit Connect inside Snowflake" and the keypair connection, then paste this key;',
    '  the extension keeps it in its secret storage.',
    ...(info.passphrase ? [`Passphrase of the encrypted_key connection's key: ${info.passphrase}`] : []),
    'Try: the Snowflake view in the activity bar; "Snowflake: Test Connection"; @snowflake /sql in the chat;',
    '     "Posit Connect: Publish to Posit Connect…" on the workspace\'s app.py.',
    `Open ${openUrl}   (Ctrl-C stops everything)`,
  ];
}
