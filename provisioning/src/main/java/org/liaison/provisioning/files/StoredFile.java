package org.liaison.provisioning.files;

import java.time.Instant;

/**
 * What the store knows of one shared file. The name and type are the sender's, kept as metadata
 * only: neither ever names anything on disk.
 *
 * @param storageName the SHA-256 of the token, in hexadecimal: the file's name on disk
 * @param owner       the user who uploaded it (counted against their quota)
 * @param name        the file name shown to recipients
 * @param contentType the media type served with it
 * @param size        its length in bytes
 * @param until       when its link stops working
 */
public record StoredFile(String storageName, String owner, String name, String contentType, long size,
        Instant until) {
}
