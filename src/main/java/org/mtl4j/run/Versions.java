package org.mtl4j.run;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions recorded in run manifests. */
public final class Versions {
    private Versions() {}

    /** This library's version (from the build). */
    public static String mtl4j() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/org/mtl4j/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** mtl4j, DJL, engine, Java and OS versions. */
    public static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mtl4j", mtl4j());
        m.put("djl", Engine.getDjlVersion());
        Engine e = Engine.getInstance();
        m.put("engine", e.getEngineName());
        m.put("engine_version", e.getVersion());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }
}
