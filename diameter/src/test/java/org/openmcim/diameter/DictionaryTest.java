package org.openmcim.diameter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.openmcim.diameter.dictionary.AvpDefinition;
import org.openmcim.diameter.dictionary.CommandDefinition;
import org.openmcim.diameter.dictionary.Dictionary;
import org.openmcim.diameter.dictionary.MandatoryRule;

class DictionaryTest {
    private final Dictionary d = TestData.DICTIONARY;

    /** Codes cross-checked against the specifications (see the file's header). */
    @ParameterizedTest(name = "{2} = {0}/{1}")
    @CsvFileSource(resources = "/vectors/expected-avps.csv", numLinesToSkip = 1)
    void knowsTheAvp(int code, int vendor, String name, String type) {
        AvpDefinition a = d.avp(code, vendor);
        assertNotNull(a, name);
        assertEquals(name, a.name());
        assertEquals(type, a.type().specName());
        assertEquals(a, d.avp(name));
        assertTrue(a.clause().startsWith("RFC ") || a.clause().startsWith("TS "), a.clause());
    }

    @Test
    void commandsAndApplications() {
        CommandDefinition air = d.command(CommandCode.AUTHENTICATION_INFORMATION, ApplicationId.S6A);
        assertEquals("AIR", air.requestAbbrev());
        assertTrue(air.proxiable());
        assertEquals("CER", d.command(CommandCode.CAPABILITIES_EXCHANGE, 0).requestAbbrev());
        assertEquals("RAR", d.command(CommandCode.RE_AUTH, ApplicationId.GX).requestAbbrev());
        assertEquals("MAR", d.command(CommandCode.MULTIMEDIA_AUTH, ApplicationId.SWX).requestAbbrev());
        assertEquals("CCR", d.command(CommandCode.CREDIT_CONTROL, ApplicationId.GX).requestAbbrev());
        assertEquals(10415, d.application(ApplicationId.S6A).vendorId());
        assertEquals("Relay", d.application(ApplicationId.RELAY).name());
        for (CommandDefinition c : d.commands()) {
            assertNotNull(d.application(c.applicationId()), "application of " + c);
        }
    }

    @Test
    void baseProtocolMandatoryBitRules() {
        // RFC 6733 §4.5: only these four MUST NOT carry M.
        for (String n : new String[] {"Error-Message", "Error-Reporting-Host", "Firmware-Revision", "Product-Name"}) {
            assertEquals(MandatoryRule.MUST_NOT, d.avp(n).mandatory(), n);
        }
        long must = d.avps().stream().filter(a -> a.clause().startsWith("RFC 6733"))
                .filter(a -> a.mandatory() == MandatoryRule.MUST).count();
        assertEquals(d.avps().stream().filter(a -> a.clause().startsWith("RFC 6733")).count() - 4, must);
    }

    @Test
    void loadFailsFastWithFileAndLine() {
        String avps = "# comment\n1\t0\tUser-Name\tUTF8String\tMUST\tRFC 6733 §8.14\n2\t0\tX\tNoSuchType\tMUST\tnone\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dictionary.load(
                new StringReader(avps), "avps.tsv", new StringReader(""), "commands.tsv", new StringReader(""),
                "applications.tsv"));
        assertTrue(e.getMessage().startsWith("avps.tsv:3:"), e.getMessage());
        String dup = "1\t0\tUser-Name\tUTF8String\tMUST\tx\n1\t0\tOther\tUTF8String\tMUST\tx\n";
        assertThrows(IllegalArgumentException.class, () -> Dictionary.load(new StringReader(dup), "a",
                new StringReader(""), "c", new StringReader(""), "p"));
        assertThrows(IllegalArgumentException.class, () -> d.avp("No-Such-AVP"));
    }
}
