package dev.qjs.examples.spark;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;

/**
 * Scores orders with the JavaScript rules as a Spark UDF: the driver prepares the rules once and
 * broadcasts them as one {@code byte[]}; every executor loads them into its engines
 * ({@link ExecutorRules}) and scores its partitions' rows.
 *
 * <p>Run by {@code spark-submit} (docs/spark.md) with optional arguments: a text file or folder of
 * orders as JSON, one per line (without it, 50,000 generated orders), and a folder to write the
 * scores to as Parquet. It prints the totals.
 *
 * <pre>{@code
 * Dataset<Row> scores = SparkRulesJob.score(spark, orders); // orders: a column "order" of JSON
 * System.out.println(ScoreSummary.of(scores));
 * }</pre>
 */
public final class SparkRulesJob {

  /** Orders generated when no input is given. */
  public static final int GENERATED_ORDERS = 50_000;

  /** The generator's seed: the same orders on every run. */
  public static final long SEED = 18;

  private SparkRulesJob() {}

  /**
   * The scores of {@code orders}: a dataset with a string column {@code order} of JSON orders.
   * The result has the columns of {@link OrderScore#SCHEMA}, one row per order.
   */
  public static Dataset<Row> score(SparkSession spark, Dataset<Row> orders) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> rules = jsc.broadcast(RulesShipment.prepare());
    UserDefinedFunction score = functions.udf(new ScoreOrder(rules), OrderScore.SCHEMA);
    return orders.select(score.apply(col("order")).as("score")).select("score.*");
  }

  /**
   * {@code count} generated orders in {@code partitions} partitions, as a column {@code order}:
   * each executor makes its partitions' orders, so no data travels with the tasks.
   */
  public static Dataset<Row> generatedOrders(SparkSession spark, long count, int partitions) {
    return spark
        .range(0, count, 1, partitions)
        .map((MapFunction<Long, String>) index -> OrderGenerator.order(index, SEED), Encoders.STRING())
        .toDF("order");
  }

  /**
   * The job: {@code [orders.jsonl [scores-folder]]}.
   *
   * @param args the orders' path (JSON lines) and the folder for the scores, both optional
   */
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("quickjs order rules").getOrCreate();
    try {
      int partitions = Math.max(2, spark.sparkContext().defaultParallelism() * 2);
      Dataset<Row> orders =
          args.length > 0
              ? spark.read().textFile(args[0]).toDF("order")
              : generatedOrders(spark, GENERATED_ORDERS, partitions);
      Dataset<Row> scores = score(spark, orders).cache();
      if (args.length > 1) {
        scores.write().mode(SaveMode.ErrorIfExists).parquet(args[1]);
      }
      System.out.println(ScoreSummary.of(scores));
    } finally {
      spark.stop();
    }
  }
}
