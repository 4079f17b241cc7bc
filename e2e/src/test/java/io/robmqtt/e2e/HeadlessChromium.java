package io.robmqtt.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.robmqtt.testing.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The machine's own Chromium, headless, driven through its own ChromeDriver. Both paths are given to Selenium, so
 * Selenium Manager never runs and nothing is downloaded. The flags keep Chromium off the network (the machine's
 * network is closed: without them it tries Google's hosts at every start) and the profile is a fresh directory.
 */
final class HeadlessChromium implements AutoCloseable {
    // Selenium warns at every start that it has no CDP classes for this Chromium: the test uses WebDriver only.
    private static final Logger CDP_VERSION_WARNING = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_WARNING.setLevel(Level.SEVERE);
    }

    private final Path profile;
    private final ChromeDriver driver;

    private HeadlessChromium(Path binary, Path chromedriver, Path profile) {
        this.profile = profile;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
    }

    /** Starts the browser; skips the test, saying how to install them, where Chromium or ChromeDriver is missing. */
    static HeadlessChromium start() throws IOException {
        Path binary = Path.of(System.getProperty("robmqtt.chromium", "/usr/bin/chromium"));
        Path chromedriver = Path.of(System.getProperty("robmqtt.chromedriver", "/usr/bin/chromedriver"));
        assumeTrue(Files.isExecutable(binary), "no Chromium at " + binary + ": apt-get install chromium "
                + "chromium-driver (Debian), or -Drobmqtt.chromium=PATH");
        assumeTrue(Files.isExecutable(chromedriver), "no ChromeDriver at " + chromedriver + ": apt-get install "
                + "chromium-driver (Debian; same version as chromium), or -Drobmqtt.chromedriver=PATH");
        Path profile = Files.createTempDirectory("robmqtt-e2e-chromium");
        try {
            return new HeadlessChromium(binary, chromedriver, profile);
        } catch (RuntimeException e) {
            TempDirs.delete(profile);
            throw e;
        }
    }

    WebDriver driver() {
        return driver;
    }

    /** Saves what the browser shows as target/e2e/NAME.png. */
    void screenshot(String name) throws IOException {
        Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.move(png, Reports.file(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** After a failure: the screenshot and the page's current DOM as target/e2e/NAME.png and NAME.html. */
    void keepEvidence(String name) {
        try {
            screenshot(name);
            Files.writeString(Reports.file(name + ".html"), driver.getPageSource());
        } catch (IOException | RuntimeException e) {
            System.err.println("could not keep the browser's page after the failure: " + e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            TempDirs.delete(profile);
        }
    }
}
