package org.gradstudy.study;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProbeSettingsTest {
    @Test
    void everyKFirstStepsLogSpacedAndTheLast() {
        assertEquals("{0, 10, 20, 25}", new ProbeSettings(10).schedule(26).toString());
        assertEquals("{0, 1, 2, 10, 20, 25}", new ProbeSettings(10, 3, 0).schedule(26).toString());
        // 5 log-spaced points over 1000 steps: round(1000^(i/4)) - 1 = 0, 5, 31, 177, 999.
        assertEquals("{0, 5, 31, 177, 999}", new ProbeSettings(100_000, 0, 5).schedule(1000).toString());
        assertEquals("{0}", new ProbeSettings(7).schedule(1).toString());
    }

    @Test
    void parsedFromTheStudyFile() {
        Study s = StudyParser.parse("probe { every = 50, first = 4, log-spaced = 12 }", "s.conf", "s");
        assertEquals(new ProbeSettings(50, 4, 12), s.probe());
    }
}
