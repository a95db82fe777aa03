package dev.qjs.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job as spark-submit starts it: its main, a file of JSON lines in, Parquet out. */
class SparkRulesJobMainTest {

  @Test
  void theJobScoresAFileOfOrdersWritesParquetAndPrintsTheTotals(@TempDir Path dir) throws Exception {
    Path orders = dir.resolve("orders.jsonl");
    Files.write(orders, ExecutorRulesTest.rulesExampleOrders(), StandardCharsets.UTF_8);
    Path scores = dir.resolve("scores");
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setProperty("spark.master", "local[2]");
    System.setProperty("spark.ui.enabled", "false");
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      SparkRulesJob.main(new String[] {orders.toString(), scores.toString()});
    } finally {
      System.setOut(stdout);
      System.clearProperty("spark.master");
      System.clearProperty("spark.ui.enabled");
    }
    String summary = printed.toString(StandardCharsets.UTF_8);
    stdout.print("spark-submit's view: " + summary);
    // ORD-1001: 113.00 with 15 % off; ORD-1002 insured; ORD-1003 rejected; ORD-1004 nothing
    assertEquals(
        "4 orders worth 995.50, discounts 16.95 (1.7%), 1 rejected, 1 to insure", summary.strip());
    assertTrue(Files.exists(scores.resolve("_SUCCESS")), "no _SUCCESS in " + scores);
    try (Stream<Path> files = Files.list(scores)) {
      List<Path> parquet = files.filter(f -> f.toString().endsWith(".parquet")).toList();
      assertTrue(!parquet.isEmpty(), "no Parquet file in " + scores);
    }
  }
}
