package io.robmqtt.e2e;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Web Console's editor of one configuration: a jQuery UI dialog over the Configuration page, with one row per
 * metatype attribute (its name, then its field: a one-line textarea for text and numbers, an input for passwords and
 * check boxes) and the buttons Cancel, Reset, Delete, Unbind and Save.
 */
final class ConfigurationDialog {
    private static final By DIALOG = By.xpath("//div[contains(@class,'ui-dialog')][.//form[@id='editorForm']]");

    private final WebDriver driver;
    private final WebDriverWait wait;
    private final WebElement dialog;

    private ConfigurationDialog(WebDriver driver, WebDriverWait wait, WebElement dialog) {
        this.driver = driver;
        this.wait = wait;
        this.dialog = dialog;
    }

    static ConfigurationDialog await(WebDriver driver, WebDriverWait wait) {
        WebElement dialog = wait.withMessage("the configuration's editor dialog")
                .until(ExpectedConditions.visibilityOfElementLocated(DIALOG));
        return new ConfigurationDialog(driver, wait, dialog);
    }

    /** The dialog's title: the metatype name of the configuration ("robmqtt connection"). */
    String title() {
        return dialog.findElement(By.cssSelector(".ui-dialog-title")).getText();
    }

    /** The value of the field whose label (the attribute's metatype name) is {@code label}. */
    String value(String label) {
        return field(label).getDomProperty("value");
    }

    /** Replaces the field's text as a user does: click, select all, type. */
    void type(String label, String text) {
        WebElement field = field(label);
        field.click();
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        field.sendKeys(text);
    }

    /** Clicks Save and waits until the Web Console has stored it and drawn the Configuration page again. */
    void save() {
        WebElement list = driver.findElement(By.id("configTable"));
        By save = By.xpath(".//div[contains(@class,'ui-dialog-buttonpane')]//button[normalize-space()='Save']");
        dialog.findElement(save).click();
        wait.withMessage("the Configuration page drawn again after Save").until(ExpectedConditions.stalenessOf(list));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#configTable tbody td.pointer")));
    }

    private WebElement field(String label) {
        return dialog.findElement(By.xpath(".//form[@id='editorForm']//tr[td[normalize-space()='" + label + "']]"
                + "//*[self::textarea or self::input[@type='text' or @type='password']]"));
    }
}
