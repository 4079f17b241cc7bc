package io.robmqtt.e2e;

import java.net.URI;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Felix Web Console's Configuration page (/system/console/configMgr). Its list of configurations is drawn by
 * JavaScript from the page's data after load, so every lookup waits for what a user would wait for.
 */
final class WebConsolePage {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final WebDriver driver;
    private final WebDriverWait wait;

    private WebConsolePage(WebDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, TIMEOUT);
    }

    /**
     * Logs in and opens the Configuration page. The Web Console asks for HTTP Basic credentials (there is no login
     * form; headless Chromium shows no prompt), so the browser sends them from the first address it opens, and
     * keeps them for the rest of the session as it does after a user answered the prompt.
     */
    static WebConsolePage logIn(WebDriver driver, URI console, String user, String password) {
        driver.get(console.getScheme() + "://" + user + ":" + password + "@" + console.getRawAuthority()
                + console.getRawPath() + "/configMgr");
        WebConsolePage page = new WebConsolePage(driver);
        page.awaitConfigurationList();
        return page;
    }

    /** Loads the page again from the gateway, as the browser's reload button does. */
    WebConsolePage reload() {
        driver.navigate().refresh();
        awaitConfigurationList();
        return this;
    }

    private void awaitConfigurationList() {
        wait.withMessage("the Web Console's configuration list (is the login right? page: " + driver.getCurrentUrl()
                + ")").until(ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector("#configTable tbody td.pointer")));
    }

    /**
     * Clicks on the factory configuration {@code pid} in the list and waits for its form. The list shows it in a
     * row of its own below its factory's row ({@code factoryName}, the metatype name), with the PID as its text.
     */
    ConfigurationDialog editFactoryConfiguration(String factoryName, String pid) {
        By row = By.xpath("//table[@id='configTable']//tr[@fpid='" + factoryName + "']"
                + "/td[contains(@class,'pointer')][text()[normalize-space()='" + pid + "']]");
        wait.withMessage("the configuration " + pid + " under '" + factoryName + "' in the list")
                .until(ExpectedConditions.elementToBeClickable(row)).click();
        return ConfigurationDialog.await(driver, wait);
    }
}
