package io.schemashift.cli;

import java.util.regex.Pattern;

/** Keeps error messages to one line and free of passwords. */
public final class Redaction {

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password\\s*[=:]\\s*)[^&;,\\s)]+");

    private Redaction() {}

    /** The first line of {@code message}, with {@code secret} and any {@code password=…} masked. */
    public static String oneLine(String message, String secret) {
        String line = message.strip();
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl).strip();
        }
        if (secret != null && !secret.isEmpty()) {
            line = line.replace(secret, "****");
        }
        return PASSWORD_PARAMETER.matcher(line).replaceAll("$1****");
    }
}
