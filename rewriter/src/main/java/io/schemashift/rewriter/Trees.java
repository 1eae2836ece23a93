package io.schemashift.rewriter;

import java.util.List;
import net.sf.jsqlparser.parser.Node;
import net.sf.jsqlparser.parser.SimpleNode;

/** Positions and searches on JSqlParser's node tree, whose tokens carry absolute offsets. */
final class Trees {

    private Trees() {}

    /** Offset of the node's first character ({@code absoluteBegin} is 1-based). */
    static int start(SimpleNode n) {
        return n.jjtGetFirstToken().absoluteBegin - 1;
    }

    /** Offset just past the node's last character. */
    static int end(SimpleNode n) {
        return n.jjtGetLastToken().absoluteEnd - 1;
    }

    static SimpleNode child(SimpleNode n, int i) {
        return (SimpleNode) n.jjtGetChild(i);
    }

    /** Every node of kind {@code id} under {@code n}, in text order, not descending into matches. */
    static void collect(Node n, int id, List<SimpleNode> into) {
        SimpleNode s = (SimpleNode) n;
        if (s.getId() == id) {
            into.add(s);
            return;
        }
        for (int i = 0; i < s.jjtGetNumChildren(); i++) {
            collect(s.jjtGetChild(i), id, into);
        }
    }
}
