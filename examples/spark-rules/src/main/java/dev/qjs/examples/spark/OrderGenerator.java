package dev.qjs.examples.spark;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Orders for the example, as JSON text in the shape of {@code examples/rules/orders.json}: an
 * order depends only on the seed and its index, so executors can make their partitions' orders
 * themselves, and a run on Spark and a run in one JVM can be compared row by row.
 *
 * <pre>{@code
 * List<String> orders = OrderGenerator.orders(50_000, 18);
 * String third = OrderGenerator.order(2, 18); // orders.get(2)
 * }</pre>
 */
public final class OrderGenerator {

  private static final String[] COUNTRIES = {"DE", "DE", "DE", "FR", "AT", "NL", "IT"};
  private static final String[] SKUS = {"TEA", "POT", "CUP", "MUG", "KETTLE", "SPOON"};
  private static final LocalDate FIRST_DAY = LocalDate.of(2025, 1, 1);

  private OrderGenerator() {}

  /** {@code count} orders made from {@code seed}. */
  public static List<String> orders(int count, long seed) {
    List<String> orders = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      orders.add(order(i, seed));
    }
    return orders;
  }

  /** The order at {@code index} of the orders made from {@code seed}. */
  public static String order(long index, long seed) {
    // a random stream per order: seed and index mixed by SplittableRandom's own seeding
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    LocalDate date = FIRST_DAY.plusDays(random.nextInt(365));
    LocalDate since = date.minusDays(random.nextInt(4 * 365));
    // about one order in 200 comes from the blocked customer
    String customer = random.nextInt(200) == 0 ? "C-666" : "C-" + (100 + random.nextInt(5000));
    StringBuilder json = new StringBuilder(256);
    json.append("{\"id\":\"ORD-").append(1_000_000 + index).append('"')
        .append(",\"date\":\"").append(date).append('"')
        .append(",\"customer\":{\"id\":\"").append(customer)
        .append("\",\"since\":\"").append(since).append("\"}")
        .append(",\"shipTo\":{\"country\":\"").append(COUNTRIES[random.nextInt(COUNTRIES.length)])
        .append("\"},\"lines\":[");
    int lines = 1 + random.nextInt(4);
    for (int l = 0; l < lines; l++) {
      String price = BigDecimal.valueOf(50 + random.nextInt(6000), 2).stripTrailingZeros().toPlainString();
      json.append(l == 0 ? "" : ",")
          .append("{\"sku\":\"").append(SKUS[random.nextInt(SKUS.length)])
          .append("\",\"qty\":").append(1 + random.nextInt(5))
          .append(",\"price\":").append(price)
          .append(",\"fragile\":").append(random.nextInt(4) == 0)
          .append('}');
    }
    return json.append("]}").toString();
  }
}
