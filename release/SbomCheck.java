import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks the release's CycloneDX SBOM (release/check.sh runs it with the JDK's source launcher:
 * {@code java release/SbomCheck.java pom.xml BOM.xml BOM.json native-libs/quickjs.sha256}).
 *
 * <p>Every runtime dependency the pom declares (not test-scoped) is a component with the pom's
 * version; every component has a version, a licence and a SHA-256; the library itself is the
 * BOM's subject with its licence; the QuickJS reference names the pinned release and the
 * manifest's SHA-256 of quickjs.c; the JSON names the same components as the XML. Prints one
 * line per component and exits 1 with the reasons when a check fails.
 */
public final class SbomCheck {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java release/SbomCheck.java pom.xml BOM.xml BOM.json quickjs.sha256");
            System.exit(2);
        }
        List<String> problems = new ArrayList<>();
        Document pom = parse(Path.of(args[0]));
        Document bom = parse(Path.of(args[1]));
        String json = Files.readString(Path.of(args[2]));

        // the pom's properties and its own runtime dependencies (groupId:artifactId -> version)
        Element project = pom.getDocumentElement();
        Map<String, String> props = new HashMap<>();
        Element properties = child(project, "properties");
        if (properties != null) {
            for (Element p : children(properties)) props.put(p.getTagName(), p.getTextContent().trim());
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        for (Element d : children(child(project, "dependencies"))) {
            String scope = text(d, "scope");
            if ("test".equals(scope)) continue;
            String version = resolve(text(d, "version"), props);
            wanted.put(text(d, "groupId") + ":" + text(d, "artifactId"), version);
        }

        // the BOM's subject
        Element metadata = child(bom.getDocumentElement(), "metadata");
        Element subject = metadata == null ? null : child(metadata, "component");
        String selfName = text(project, "groupId") + ":" + text(project, "artifactId");
        String selfVersion = text(project, "version");
        if (subject == null) {
            problems.add("no metadata/component (the library the BOM describes)");
        } else {
            String name = text(subject, "group") + ":" + text(subject, "name");
            if (!name.equals(selfName) || !selfVersion.equals(text(subject, "version"))) {
                problems.add("the BOM describes " + name + " " + text(subject, "version") + ", not " + selfName + " " + selfVersion);
            }
            if (licences(subject).isEmpty()) problems.add(selfName + " has no licence in the BOM");
            // QuickJS: compiled into the native libraries, named by an external reference
            String manifest = Files.readString(Path.of(args[3]));
            Matcher m = Pattern.compile("(?m)^([0-9a-f]{64})  quickjs\\.c$").matcher(manifest);
            String quickjsC = m.find() ? m.group(1) : "(quickjs.c not in " + args[3] + ")";
            boolean found = false;
            Element refs = child(subject, "externalReferences");
            for (Element r : refs == null ? List.<Element>of() : children(refs)) {
                String comment = text(r, "comment");
                if (comment != null && comment.contains("QuickJS 2025-04-26") && comment.contains(quickjsC)) {
                    found = true;
                    System.out.println("sbom: QuickJS 2025-04-26 (bundled): " + text(r, "url") + ", quickjs.c SHA-256 " + quickjsC);
                }
            }
            if (!found) problems.add("no external reference names QuickJS 2025-04-26 with quickjs.c's SHA-256 " + quickjsC);
        }

        // the components
        Map<String, String> have = new HashMap<>();
        TreeSet<String> xmlPurls = new TreeSet<>();
        Element components = child(bom.getDocumentElement(), "components");
        for (Element c : components == null ? List.<Element>of() : children(components)) {
            String name = text(c, "group") + ":" + text(c, "name");
            String version = text(c, "version");
            have.put(name, version);
            String purl = text(c, "purl");
            if (purl != null) xmlPurls.add(purl);
            List<String> lic = licences(c);
            boolean sha256 = false;
            Element hashes = child(c, "hashes");
            for (Element h : hashes == null ? List.<Element>of() : children(hashes)) {
                if ("SHA-256".equals(h.getAttribute("alg")) && h.getTextContent().trim().matches("[0-9a-f]{64}")) sha256 = true;
            }
            if (version == null || version.isEmpty()) problems.add(name + " has no version");
            if (lic.isEmpty()) problems.add(name + " has no licence");
            if (!sha256) problems.add(name + " has no SHA-256");
            System.out.println("sbom: " + name + " " + version + " (" + String.join(" OR ", lic) + ", " + text(c, "scope") + ")");
        }
        for (Map.Entry<String, String> w : wanted.entrySet()) {
            String got = have.get(w.getKey());
            if (got == null) problems.add("runtime dependency " + w.getKey() + " is not in the BOM");
            else if (!got.equals(w.getValue())) problems.add(w.getKey() + " is " + got + " in the BOM, " + w.getValue() + " in the pom");
        }

        // the JSON form names the same components
        TreeSet<String> jsonPurls = new TreeSet<>();
        Matcher pm = Pattern.compile("\"purl\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        while (pm.find()) jsonPurls.add(pm.group(1));
        if (subject != null) jsonPurls.remove(text(subject, "purl"));
        if (!jsonPurls.equals(xmlPurls)) problems.add("the JSON BOM names " + jsonPurls + ", the XML BOM " + xmlPurls);

        if (!problems.isEmpty()) {
            for (String p : problems) System.err.println("sbom: " + p);
            System.exit(1);
        }
        System.out.println("sbom ok: " + have.size() + " components, every runtime dependency of the pom (" + String.join(", ", wanted.keySet()) + ") with its version, licence and SHA-256");
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    private static List<String> licences(Element component) {
        List<String> out = new ArrayList<>();
        Element licenses = child(component, "licenses");
        for (Element l : licenses == null ? List.<Element>of() : children(licenses)) {
            String id = text(l, "id");
            String name = text(l, "name");
            if (id != null) out.add(id);
            else if (name != null) out.add(name);
            else if ("expression".equals(l.getTagName())) out.add(l.getTextContent().trim());
        }
        return out;
    }

    private static String resolve(String value, Map<String, String> props) {
        if (value == null) return null;
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(props.getOrDefault(m.group(1), m.group())));
        m.appendTail(sb);
        return sb.toString();
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        if (parent == null) return out;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) out.add(e);
        }
        return out;
    }

    private static Element child(Element parent, String tag) {
        for (Element e : children(parent)) if (e.getTagName().equals(tag)) return e;
        return null;
    }

    private static String text(Element parent, String tag) {
        Element e = child(parent, tag);
        return e == null ? null : e.getTextContent().trim();
    }
}
