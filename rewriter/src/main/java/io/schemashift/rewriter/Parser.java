package io.schemashift.rewriter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.SimpleNode;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.statement.Statement;

/**
 * JSqlParser on the calling thread (what {@code CCJSqlParserUtil.newParser(sql)} builds), with
 * access to the node tree and a time bound: one shared daemon thread sets the parser's own
 * {@code interrupted} flag, which its backtracking loops check, once the deadline has passed.
 */
final class Parser extends CCJSqlParser {

    private static final long WATCH_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final Map<Parser, Long> RUNNING = new ConcurrentHashMap<>();

    static {
        Thread watchdog = new Thread(Parser::watch, "schemashift-parse-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private Parser(String sql) {
        super(new StringProvider(sql));
    }

    /**
     * Parses one whole statement: the parser's text of it, with the positions of the tokens mapped
     * back to their place in the statement.
     *
     * @throws ParseException if it is not one statement, or the parse took longer than {@code timeoutNanos}
     */
    static Parsed statement(ParseText text, long timeoutNanos) throws ParseException {
        Parsed parsed = parse(text.text, timeoutNanos);
        if (!text.sameOffsets()) {
            for (Token t = parsed.root().jjtGetFirstToken(); t != null; t = t.next) {
                int start = t.absoluteBegin - 1;
                int end = t.absoluteEnd - 1;
                t.absoluteBegin = text.original(start) + 1;
                t.absoluteEnd = (end > start ? text.original(end - 1) + 1 : text.original(start)) + 1;
            }
        }
        return parsed;
    }

    private static Parsed parse(String sql, long timeoutNanos) throws ParseException {
        Parser p = new Parser(sql);
        RUNNING.put(p, System.nanoTime() + timeoutNanos);
        try {
            Statement st;
            try {
                st = p.Statement();
            } catch (ParseException | RuntimeException e) {
                if (p.interrupted) {
                    throw new TimeBoundExceeded();
                }
                throw e;
            }
            if (p.interrupted) {
                throw new TimeBoundExceeded();
            }
            if (p.getToken(1).kind != CCJSqlParserConstants.EOF) {
                throw new MoreThanOneStatement();
            }
            return new Parsed(st, (SimpleNode) p.jjtree.rootNode());
        } finally {
            RUNNING.remove(p);
        }
    }

    /** Parses an SQL expression (a derived column); returns its node tree. */
    static SimpleNode expression(String sql) throws ParseException {
        Parser p = new Parser(sql);
        p.Expression();
        if (p.getToken(1).kind != CCJSqlParserConstants.EOF) {
            throw new ParseException("trailing text after the expression");
        }
        return (SimpleNode) p.jjtree.rootNode();
    }

    record Parsed(Statement statement, SimpleNode root) {}

    /** The parse ran out of time: says nothing about the statement, so it is not cached for good. */
    static final class TimeBoundExceeded extends ParseException {
        private static final long serialVersionUID = 1L;

        TimeBoundExceeded() {
            super("time bound exceeded");
        }
    }

    /** The text holds more than one statement: the first one parsed, something follows it. */
    static final class MoreThanOneStatement extends ParseException {
        private static final long serialVersionUID = 1L;

        MoreThanOneStatement() {
            super("more than one statement");
        }
    }

    private static void watch() {
        while (true) {
            LockSupport.parkNanos(WATCH_PERIOD_NANOS);
            long now = System.nanoTime();
            RUNNING.forEach((parser, deadline) -> {
                if (now - deadline > 0) {
                    parser.interrupted = true;
                }
            });
        }
    }
}
