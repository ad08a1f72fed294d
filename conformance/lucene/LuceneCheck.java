// LuceneCheck: parse Auth0 log search queries with Apache Lucene's classic
// QueryParser (Debian liblucene8-java) and check them against the subset of
// Lucene that Auth0 documents. Used by conformance/lucene/run.sh.
//
// Input, one item per line on stdin:
//   default    the raw query
//   --url      a request path `/api/v2/logs?q=<percent-encoded query>` as
//              `vigil compile --format url` prints it (no `q` = empty query);
//              lines starting with `#` and blank lines are echoed unchanged,
//              so the output lines up with vigil's output
// Output, one line per query:
//   OK                            parsed
//   OK\tstructure=<tree>          (--structure) the parsed query as a tree
//                                 whose values are JSON strings, to compare
//                                 with what the query was meant to say
//   OK\tlint=<findings>           (--auth0-lint) constructs outside Auth0's
//                                 documented subset
//   FAIL <message>                the parser rejected it (or, with
//                                 --lint-fails, the lint found something)
// Exit code: 0 if nothing failed, 1 otherwise, 2 on bad usage.
//
// Parser settings model Auth0's documented behaviour: fields are "not
// tokenized" (KeywordAnalyzer: one term per value), leading wildcards are
// allowed ("name:*usa is allowed"), and whitespace separates terms.
//
// Adapted from the Vigil research notes (notes/auth0-search/LuceneCheck.java).

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.BytesRef;

public final class LuceneCheck {

    // https://auth0.com/docs/deploy-monitor/logs/log-search-query-syntax
    static final Set<String> AUTH0_FIELDS = new HashSet<>(Arrays.asList(
            "client_id", "client_name", "connection", "connection_id", "description", "date",
            "hostname", "ip", "log_id", "organization_id", "user_id", "user_name", "user_agent",
            "strategy", "strategy_type", "type"));

    static final String BARE = "__bare__";

    public static void main(String[] args) throws Exception {
        boolean url = false, structure = false, lint = false, lintFails = false;
        for (String a : args) {
            switch (a) {
                case "--url": url = true; break;
                case "--structure": structure = true; break;
                case "--auth0-lint": lint = true; break;
                case "--lint-fails": lint = true; lintFails = true; break;
                default: System.err.println("unknown option: " + a); System.exit(2);
            }
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        boolean anyFail = false;
        String line;
        while ((line = in.readLine()) != null) {
            String q;
            if (url) {
                if (line.isEmpty() || line.startsWith("#")) { System.out.println(line); continue; }
                if (!line.startsWith("/api/v2/logs")) {
                    System.out.println("FAIL not a log search request path: " + line);
                    anyFail = true;
                    continue;
                }
                int i = line.indexOf("?q=");
                if (i < 0) { System.out.println("OK\tstructure=all"); continue; }
                q = URLDecoder.decode(line.substring(i + 3), StandardCharsets.UTF_8);
            } else {
                q = line;
            }
            QueryParser p = new QueryParser(BARE, new KeywordAnalyzer());
            p.setAllowLeadingWildcard(true);
            p.setSplitOnWhitespace(true);
            Query parsed;
            try {
                parsed = p.parse(q);
            } catch (Throwable e) {
                System.out.println("FAIL " + oneLine(e.getClass().getSimpleName() + ": " + e.getMessage()));
                anyFail = true;
                continue;
            }
            List<String> findings = new ArrayList<>();
            if (lint) lint(parsed, findings);
            boolean fail = lintFails && !findings.isEmpty();
            StringBuilder out = new StringBuilder(fail ? "FAIL auth0-lint" : "OK");
            if (structure) out.append("\tstructure=").append(tree(parsed));
            if (!findings.isEmpty()) out.append("\tlint=").append(String.join("; ", findings));
            System.out.println(out);
            anyFail |= fail;
        }
        System.exit(anyFail ? 1 : 0);
    }

    // ---- structure: the parsed query as a tree with JSON-quoted values ------------------

    static String tree(Query q) {
        if (q instanceof BooleanQuery) {
            List<String> parts = new ArrayList<>();
            for (BooleanClause c : ((BooleanQuery) q).clauses()) {
                String occur;
                switch (c.getOccur()) {
                    case MUST: case FILTER: occur = "+"; break;
                    case MUST_NOT: occur = "-"; break;
                    default: occur = "|"; break;
                }
                parts.add(occur + tree(c.getQuery()));
            }
            return "bool(" + String.join(" ", parts) + ")";
        } else if (q instanceof TermQuery) {
            Term t = ((TermQuery) q).getTerm();
            return "term(" + t.field() + "," + json(t.text()) + ")";
        } else if (q instanceof PrefixQuery) {
            Term t = ((PrefixQuery) q).getPrefix();
            return "prefix(" + t.field() + "," + json(t.text()) + ")";
        } else if (q instanceof WildcardQuery) {
            Term t = ((WildcardQuery) q).getTerm();
            return "wild(" + t.field() + "," + pattern(t.text()) + ")";
        } else if (q instanceof TermRangeQuery) {
            TermRangeQuery r = (TermRangeQuery) q;
            return "range(" + r.getField() + "," + (r.includesLower() ? "[" : "{")
                    + bound(r.getLowerTerm()) + " TO " + bound(r.getUpperTerm())
                    + (r.includesUpper() ? "]" : "}") + ")";
        }
        return "other(" + q.getClass().getSimpleName() + "," + json(q.toString()) + ")";
    }

    /** A wildcard term as `*`, `?` and JSON-quoted literal runs (escapes resolved). */
    static String pattern(String s) {
        StringBuilder out = new StringBuilder();
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                lit.append(s.charAt(++i));
            } else if (c == '*' || c == '?') {
                if (lit.length() > 0) { out.append(json(lit.toString())); lit.setLength(0); }
                out.append(c);
            } else {
                lit.append(c);
            }
        }
        if (lit.length() > 0) out.append(json(lit.toString()));
        return out.toString();
    }

    static String bound(BytesRef b) {
        return b == null ? "*" : json(b.utf8ToString());
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\t': b.append("\\t"); break;
                case '\r': b.append("\\r"); break;
                default:
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
            }
        }
        return b.append('"').toString();
    }

    // ---- Auth0 lint: the documented subset ------------------------------------------------

    static void lint(Query q, List<String> f) {
        if (q instanceof BooleanQuery) {
            int must = 0, should = 0, not = 0;
            for (BooleanClause c : ((BooleanQuery) q).clauses()) {
                switch (c.getOccur()) {
                    case MUST: case FILTER: must++; break;
                    case SHOULD: should++; break;
                    default: not++; break;
                }
            }
            if (should > 0 && must > 0)
                f.add("required and optional clauses at one level (AND/OR mixed without parentheses): " + q);
            if (not > 0 && must == 0)
                f.add("negated clauses without a required positive one (meaning differs between Lucene and Elasticsearch; undocumented in Auth0): " + q);
            for (BooleanClause c : ((BooleanQuery) q).clauses()) lint(c.getQuery(), f);
        } else if (q instanceof TermQuery) {
            field(((TermQuery) q).getTerm().field(), f);
        } else if (q instanceof PrefixQuery) {
            field(((PrefixQuery) q).getPrefix().field(), f);
        } else if (q instanceof WildcardQuery) {
            Term t = ((WildcardQuery) q).getTerm();
            field(t.field(), f);
            String s = t.text();
            int run = 0, shortest = Integer.MAX_VALUE;
            for (int i = 0; i <= s.length(); i++) {
                char c = i < s.length() ? s.charAt(i) : '*';
                if (c == '\\') { i++; run++; continue; }
                if (c == '?') f.add("'?' wildcard is not supported by Auth0: " + q);
                if (c == '*' || c == '?') { if (run > 0) shortest = Math.min(shortest, run); run = 0; }
                else run++;
            }
            // Prefix patterns are PrefixQuery above; other patterns need >= 3 literals per piece.
            if (shortest < 3 || shortest == Integer.MAX_VALUE)
                f.add("a non-prefix wildcard needs >= 3 literal characters per piece in Auth0: " + q);
        } else if (q instanceof TermRangeQuery) {
            field(((TermRangeQuery) q).getField(), f);
        } else {
            f.add("not in Auth0's documented subset: " + q.getClass().getSimpleName() + " " + q);
        }
    }

    static void field(String name, List<String> f) {
        if (name.equals(BARE)) f.add("bare term (Auth0 searches it in a few fields only)");
        else if (!AUTH0_FIELDS.contains(name)) f.add("field '" + name + "' is not searchable in Auth0");
    }

    static String oneLine(String s) {
        return s == null ? "null" : s.replaceAll("\\s+", " ").trim();
    }
}
