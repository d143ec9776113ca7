/**
 * {@code bin/liaison backup} and {@code restore}: a consistent copy of data.dir taken while the server runs
 * ({@code DataDirBackup}), as a gzip'd tar with a manifest of sizes and SHA-256 ({@code BackupManifest}), and its
 * checked return into a stopped server's data.dir ({@code DataDirRestore}). Why each store's copy is consistent is
 * in docs/operations.md "Backups". Depends on store (the journal's framing), registrar and tls (the names of their
 * files) and nothing that runs.
 */
package org.liaison.sip.backup;
