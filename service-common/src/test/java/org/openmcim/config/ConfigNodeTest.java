package org.openmcim.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigNodeTest {

    private static ConfigNode yaml(String text) {
        return ConfigNode.parse("test.yaml", new StringReader(text));
    }

    private static String message(Runnable r) {
        return assertThrows(ConfigException.class, r::run).getMessage();
    }

    @Test
    void typedReadsWithDefaults() {
        ConfigNode n = yaml("""
                name: icf
                port: 3868
                timeout: 30s
                enabled: true
                peers:
                  - host: mme.localdomain
                ranges: ["00101", 99970]
                ind: {mme.localdomain: 3}
                """);
        assertEquals("icf", n.string("name"));
        assertEquals(3868, n.integer("port", 1, 65535));
        assertEquals(Duration.ofSeconds(30), n.duration("timeout"));
        assertEquals(Duration.ofMillis(250), n.duration("other", Duration.ofMillis(250)));
        assertTrue(n.bool("enabled", false));
        assertEquals("mme.localdomain", n.children("peers").get(0).string("host"));
        assertEquals("peers[0]", n.children("peers").get(0).path());
        assertEquals(List.of("00101", "99970"), n.strings("ranges"));
        assertEquals(Map.of("mme.localdomain", "3"), n.stringMap("ind"));
        n.rejectUnknownKeys();
    }

    @Test
    void errorsNameFileAndKey() {
        ConfigNode n = yaml("""
                port: 70000
                listen: 3868
                mode: hss
                timeout: soon
                peers:
                  - host: a
                    realm: b
                """);
        assertEquals("test.yaml: port: must be 1..65535, got 70000", message(() -> n.integer("port", 1, 65535)));
        assertEquals("test.yaml: listen: expected HOST:PORT, got \"3868\"", message(() -> n.hostPort("listen")));
        assertEquals("test.yaml: mode: must be one of icf, home, got \"hss\"", message(() -> n.oneOf("mode", "icf", "icf", "home")));
        assertTrue(message(() -> n.duration("timeout")).startsWith("test.yaml: timeout: expected a duration"));
        assertEquals("test.yaml: missing: required", message(() -> n.string("missing")));
        ConfigNode peer = n.children("peers").get(0);
        peer.string("host");
        assertEquals("test.yaml: peers[0].realm: unknown key", message(peer::rejectUnknownKeys));
    }

    @Test
    void unknownTopLevelKeyIsAnError() {
        ConfigNode n = yaml("lisen: 127.0.0.1:3868\n");
        assertEquals("test.yaml: lisen: unknown key", message(n::rejectUnknownKeys));
    }

    @Test
    void badYamlAndMissingFile() {
        assertTrue(message(() -> yaml("a: [1, 2\n")).startsWith("test.yaml: not valid YAML"));
        assertEquals("test.yaml: the top level must be a mapping of keys", message(() -> yaml("- a\n- b\n")));
        assertEquals("/nonexistent/icf.yaml: no such file", message(() -> ConfigNode.load(Path.of("/nonexistent/icf.yaml"))));
    }

    @Test
    void yamlCannotInstantiateTypes() {
        // SafeConstructor: a global tag is refused rather than instantiated.
        assertTrue(message(() -> yaml("x: !!javax.script.ScriptEngineManager []\n")).startsWith("test.yaml: not valid YAML"));
    }

    @Test
    void hostPortForms() {
        ConfigNode n = yaml("a: 127.0.0.4:3868\nb: \"[::1]:3868\"\n");
        assertEquals("127.0.0.4", n.hostPort("a").getHostString());
        assertEquals(3868, n.hostPort("a").getPort());
        assertEquals("::1", n.hostPort("b").getHostString());
    }
}
