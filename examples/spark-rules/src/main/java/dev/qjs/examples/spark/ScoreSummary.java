package dev.qjs.examples.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Totals over scored orders, computed by Spark or by a loop in one JVM, and printed the way a
 * user reads them.
 *
 * <pre>{@code
 * System.out.println(ScoreSummary.of(scores));
 * }</pre>
 *
 * @param rows orders scored
 * @param totalCents their value in cents
 * @param discountCents the discounts granted in cents
 * @param rejected orders flagged {@code reject}
 * @param insured orders flagged {@code insure}
 */
public record ScoreSummary(long rows, long totalCents, long discountCents, long rejected, long insured) {

  /** Totals over a dataset of {@link OrderScore#SCHEMA} rows, computed by Spark. */
  public static ScoreSummary of(Dataset<Row> scores) {
    Row totals =
        scores
            .agg(
                count(lit(1)),
                sum(col("totalCents")),
                sum(col("discountCents")),
                sum(when(col("flags").contains("reject"), 1).otherwise(0)),
                sum(when(col("flags").contains("insure"), 1).otherwise(0)))
            .first();
    return new ScoreSummary(
        totals.getLong(0),
        totals.isNullAt(1) ? 0 : totals.getLong(1),
        totals.isNullAt(2) ? 0 : totals.getLong(2),
        totals.isNullAt(3) ? 0 : totals.getLong(3),
        totals.isNullAt(4) ? 0 : totals.getLong(4));
  }

  /** Totals over scores in memory. */
  public static ScoreSummary of(Iterable<OrderScore> scores) {
    long rows = 0;
    long total = 0;
    long discount = 0;
    long rejected = 0;
    long insured = 0;
    for (OrderScore score : scores) {
      rows++;
      total += score.totalCents();
      discount += score.discountCents();
      rejected += score.flags().contains("reject") ? 1 : 0;
      insured += score.flags().contains("insure") ? 1 : 0;
    }
    return new ScoreSummary(rows, total, discount, rejected, insured);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%,d orders worth %,.2f, discounts %,.2f (%.1f%%), %,d rejected, %,d to insure",
        rows,
        totalCents / 100.0,
        discountCents / 100.0,
        totalCents == 0 ? 0.0 : 100.0 * discountCents / totalCents,
        rejected,
        insured);
  }
}
