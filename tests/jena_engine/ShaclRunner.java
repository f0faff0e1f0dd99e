// Validates many data sets with Apache Jena's SHACL engine in one JVM.
//
// Usage: java -cp JENA_JARS ShaclRunner.java MANIFEST OUT_DIR
// MANIFEST lines: `shapes<TAB>FILE...` (once, first), then `NAME<TAB>FILE...` per data set.
// Each data set is the union of its files; the data graph and its sh:ValidationReport are written
// together to OUT_DIR/NAME.nt (one blank-node scope, so report nodes can be found in the data).

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.jena.graph.Graph;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.sparql.graph.GraphFactory;

public class ShaclRunner {
    private static Graph read(String[] fields) {
        Graph graph = GraphFactory.createDefaultGraph();
        for (int i = 1; i < fields.length; i++) {
            RDFDataMgr.read(graph, fields[i], Lang.TURTLE);
        }
        return graph;
    }

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        Path out = Path.of(args[1]);
        Shapes shapes = null;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t");
            if (shapes == null) {
                shapes = Shapes.parse(read(fields));
                continue;
            }
            Graph data = read(fields);
            ValidationReport report = ShaclValidator.get().validate(shapes, data);
            try (OutputStream stream = Files.newOutputStream(out.resolve(fields[0] + ".nt"))) {
                Graph both = GraphFactory.createDefaultGraph();
                data.find().forEachRemaining(both::add);
                report.getGraph().find().forEachRemaining(both::add);
                RDFDataMgr.write(stream, both, Lang.NTRIPLES);
            }
        }
    }
}
