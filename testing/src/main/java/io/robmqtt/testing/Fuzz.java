package io.robmqtt.testing;

import java.time.Duration;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Property checks over generated input: {@code tries} inputs from a {@link Random} with a fixed seed, so a failure
 * is the same failure at every run, and a budget of seconds, so a property never takes minutes. A failure names
 * the property, the seed, the try and the input (escaped by {@link FuzzText#describe(Object)}). Set the system
 * property {@code robmqtt.fuzz.seed} to explore other inputs; the failure message says which seed to set to repeat it.
 */
public final class Fuzz {
    /** The most time one property may take; tries past it are not made. */
    public static final Duration BUDGET = Duration.ofSeconds(5);

    private Fuzz() {}

    /** Checks {@code property} on {@code tries} inputs made by {@code input}; fails at the first input that breaks it. */
    public static <T> void check(String property, int tries, Function<Random, T> input, Consumer<T> check) {
        long seed = Long.getLong("robmqtt.fuzz.seed", 20261206L ^ property.hashCode());
        Random random = new Random(seed);
        long deadline = System.nanoTime() + BUDGET.toNanos();
        for (int i = 0; i < tries && System.nanoTime() < deadline; i++) {
            T value = input.apply(random);
            try {
                check.accept(value);
            } catch (AssertionError | RuntimeException e) {
                AssertionError failure = new AssertionError(property + ": broken at try " + i + " (-Drobmqtt.fuzz.seed="
                        + seed + ") by the input " + FuzzText.describe(value) + ": " + e, e);
                throw failure;
            }
        }
    }
}
