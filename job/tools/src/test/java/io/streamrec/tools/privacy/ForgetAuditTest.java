package io.streamrec.tools.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

class ForgetAuditTest {

    @Test
    void findsAnIdAsTheStatisticsWriteIt() throws Exception {
        assertThat(ForgetAudit.contains(written("u1", "u7", "u9"), ForgetAudit.asWritten("u7")))
                .isTrue();
    }

    @Test
    void anIdInsideALongerIdIsNotTheUser() throws Exception {
        assertThat(ForgetAudit.contains(written("u70", "u17", "xu7"), ForgetAudit.asWritten("u7")))
                .isFalse();
    }

    private static byte[] written(String... ids) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (String id : ids) {
                out.writeInt(ids.length); // other state between the ids
                out.writeUTF(id);
            }
        }
        return bytes.toByteArray();
    }
}
