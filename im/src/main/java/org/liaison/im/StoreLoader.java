package org.liaison.im;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds one recipient's {@link RecipientQueue} from its directory at open, cleaning up what
 * a crash can leave: temp files of a store that never returned are deleted (that message was
 * never accepted, the sender got no 202), and a message file that fails its checks is renamed
 * aside rather than deleted, so an operator can look at it.
 */
final class StoreLoader {

    static final String CORRUPT_SUFFIX = ".corrupt";

    private static final Logger log = LoggerFactory.getLogger(StoreLoader.class);

    private StoreLoader() {
    }

    /**
     * Adds the recipient's own message files to {@code queue} (which already holds the group posts
     * owed to the recipient, so their acknowledgements are kept) and counts each for its sender.
     */
    static void load(String recipient, RecipientQueue queue, SenderCounts senders) throws IOException {
        Path directory = queue.directory();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (DurableFiles.isTempFile(file)) {
                    log.warn("Deleting {}: left by a write that did not complete", file);
                    Files.delete(file);
                } else if (name.endsWith(MessageFile.SUFFIX)) {
                    loadMessage(recipient, file, queue, senders);
                } else if (!name.equals(AckLog.FILE_NAME) && !name.endsWith(CORRUPT_SUFFIX)) {
                    log.warn("Ignoring {}: not a file of the offline store", file);
                }
            }
        }
        List<AckLog.Ack> acks = AckLog.replay(queue.ackLog());
        for (AckLog.Ack ack : acks) {
            queue.markAcked(ack.messageId(), ack.deviceKey());
        }
        if (queue.acks().size() < acks.size()) {
            // Acks of messages deleted just before a crash: drop them now, or a later message
            // given the same id (after the clock went back) would look acknowledged.
            AckLog.rewrite(queue.ackLog(), queue.acks());
        }
    }

    private static void loadMessage(String recipient, Path file, RecipientQueue queue, SenderCounts senders)
            throws IOException {
        String id = file.getFileName().toString();
        id = id.substring(0, id.length() - MessageFile.SUFFIX.length());
        try {
            StoredMessage message = MessageFile.decode(Files.readAllBytes(file));
            if (!MessageIds.isId(id) || !message.id().equals(id) || !message.recipient().equals(recipient)) {
                throw new IOException("message file does not match its name or directory");
            }
            queue.add(id, message.expiresAt(), message.origin(), false);
            senders.add(message.origin());
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + CORRUPT_SUFFIX);
            log.error("Moving {} aside to {}: {}", file, aside, e.getMessage());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
