package io.schemashift.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A report as blocks (headings, paragraphs, tables, images), written as Markdown beside its PNG
 * files and as one self-contained HTML file (images inlined as base64).
 */
final class ReportDocument {

    private sealed interface Block permits Heading, Paragraph, Table, Image {}

    private record Heading(int level, String text) implements Block {}

    private record Paragraph(String text) implements Block {}

    private record Table(List<String> headers, List<List<String>> rows) implements Block {}

    /** A plot: {@code file} is its name beside the Markdown. */
    private record Image(String file, String alt, byte[] png) implements Block {}

    private final String title;
    private final List<Block> blocks = new ArrayList<>();

    ReportDocument(String title) {
        this.title = title;
    }

    void heading(String text) {
        blocks.add(new Heading(2, text));
    }

    void paragraph(String text) {
        blocks.add(new Paragraph(text));
    }

    void table(List<String> headers, List<List<String>> rows) {
        blocks.add(
                new Table(List.copyOf(headers), rows.stream().map(List::copyOf).toList()));
    }

    void image(String file, String alt, byte[] png) {
        blocks.add(new Image(file, alt, png.clone()));
    }

    /** Writes {@code report.md}, its images and {@code report.html} into {@code dir}; returns the Markdown file. */
    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder md = new StringBuilder("# ").append(title).append("\n");
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title))
                .append("</title><style>body{font-family:sans-serif;max-width:70em;margin:2em auto}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;"
                        + "text-align:left;vertical-align:top}code{font-size:90%}</style></head><body>\n<h1>")
                .append(escape(title))
                .append("</h1>\n");
        for (Block b : blocks) {
            if (b instanceof Heading h) {
                md.append('\n')
                        .append("#".repeat(h.level()))
                        .append(' ')
                        .append(h.text())
                        .append('\n');
                html.append("<h").append(h.level()).append('>').append(escape(h.text()));
                html.append("</h").append(h.level()).append(">\n");
            } else if (b instanceof Paragraph p) {
                md.append('\n').append(p.text()).append('\n');
                html.append("<p>").append(escape(p.text())).append("</p>\n");
            } else if (b instanceof Table t) {
                md.append("\n| ")
                        .append(String.join(
                                " | ",
                                t.headers().stream().map(ReportDocument::cell).toList()));
                md.append(" |\n|").append("---|".repeat(t.headers().size())).append('\n');
                html.append("<table><tr>");
                t.headers().forEach(x -> html.append("<th>").append(escape(x)).append("</th>"));
                html.append("</tr>\n");
                for (List<String> row : t.rows()) {
                    md.append("| ")
                            .append(String.join(
                                    " | ",
                                    row.stream().map(ReportDocument::cell).toList()));
                    md.append(" |\n");
                    html.append("<tr>");
                    row.forEach(x -> html.append("<td>").append(escape(x)).append("</td>"));
                    html.append("</tr>\n");
                }
                html.append("</table>\n");
            } else if (b instanceof Image i) {
                Files.write(dir.resolve(i.file()), i.png());
                md.append("\n![").append(i.alt()).append("](").append(i.file()).append(")\n");
                html.append("<p><img alt=\"")
                        .append(escape(i.alt()))
                        .append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(i.png()))
                        .append("\"></p>\n");
            }
        }
        html.append("</body></html>\n");
        Path markdown = dir.resolve("report.md");
        Files.writeString(markdown, md, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html, StandardCharsets.UTF_8);
        return markdown;
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace('\n', ' ');
    }

    private static String escape(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
