package org.mtl4j.data.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.mtl4j.Mtl4jException;

/**
 * The name of a cache: a digest of the sources' identities (absolute path, size, modification time
 * to the nanosecond, file key such as device and inode) and of the preprocessing settings. Any
 * change to a source file or a setting gives another key, so a stale cache is never read.
 */
public final class CacheKey {
    private CacheKey() {}

    /** 32 hex digits identifying {@code sources} as they are now, read with {@code settings}. */
    public static String of(List<Path> sources, String settings) {
        MessageDigest d = sha256();
        for (Path p : sources) {
            update(d, "source");
            update(d, p.toAbsolutePath().normalize().toString());
            try {
                BasicFileAttributes a =
                        Files.readAttributes(
                                p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                update(d, Long.toString(a.size()));
                update(d, a.lastModifiedTime().toInstant().toString());
                update(d, String.valueOf(a.fileKey()));
            } catch (IOException e) {
                throw new Mtl4jException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        update(d, "settings");
        update(d, settings);
        return HexFormat.of().formatHex(d.digest()).substring(0, 32);
    }

    private static void update(MessageDigest d, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.update((byte) (b.length >>> 24));
        d.update((byte) (b.length >>> 16));
        d.update((byte) (b.length >>> 8));
        d.update((byte) b.length);
        d.update(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
