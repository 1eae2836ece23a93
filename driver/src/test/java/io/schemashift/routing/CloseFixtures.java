package io.schemashift.routing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes the {@link MigrationFixture}s a test class left open, so that their new-side pools do
 * not hold server connections for the rest of the run. Registered for every test class by
 * auto-detection ({@code junit-platform.properties}).
 */
public final class CloseFixtures implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        MigrationFixture.closeAll();
    }
}
