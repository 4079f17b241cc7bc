package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataDirectoryTest {
    @Test
    void kuraDataWinsThenKuraHomeDataThenTheWorkingDirectory() {
        assertThat(DataDirectory.of(Map.of("kura.data", "/opt/kura/data", "kura.home", "/x")::get))
                .isEqualTo(Path.of("/opt/kura/data"));
        assertThat(DataDirectory.of(Map.of("kura.home", "/opt/eclipse/kura")::get))
                .isEqualTo(Path.of("/opt/eclipse/kura/data"));
        assertThat(DataDirectory.of(Map.of("kura.data", " ")::get)).isNull();
        assertThat(DataDirectory.of(Map.<String, String>of()::get)).isNull();
    }

    @Test
    void onlyARelativePathIsResolvedAgainstIt() {
        Path data = Path.of("/opt/kura/data");
        assertThat(DataDirectory.resolve(data, Path.of("./mqtt_client.db"))).isEqualTo(data.resolve("mqtt_client.db"));
        assertThat(DataDirectory.resolve(data, Path.of("/var/robmqtt.db"))).isEqualTo(Path.of("/var/robmqtt.db"));
        assertThat(DataDirectory.resolve(null, Path.of("./mqtt_client.db"))).isEqualTo(Path.of("./mqtt_client.db"));
    }
}
