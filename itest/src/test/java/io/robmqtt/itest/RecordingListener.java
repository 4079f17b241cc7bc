package io.robmqtt.itest;

import io.robmqtt.api.MessageListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that records what it is given: "topic=payload". */
class RecordingListener implements MessageListener {
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void messageArrived(String topic, byte[] payload, int qos, boolean retain) throws Exception {
        threads.add(Thread.currentThread().getName());
        received.add(topic + "=" + new String(payload, StandardCharsets.UTF_8));
    }

    long count(String entry) {
        return received.stream().filter(entry::equals).count();
    }
}
