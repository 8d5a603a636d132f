package dev.unbundled.rocksdb;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The views of the crash test, over payments (events), accounts and customers (tables), with the query each
 * view stands for computed directly over the records sent: the event aggregations count and sum payments per
 * account, the table views count and total accounts per branch, join each account to its customer (a
 * foreign-key join), count the joined accounts per tier (a chain ending in a table count), and re-key the
 * accounts by customer. The child JVM ({@link CrashChild}) and the test build the same definitions from the
 * run's name.
 */
final class PaymentViews {
    static final int ACCOUNTS = 40;
    static final int CUSTOMERS = 10;

    record Payment(String account, long amount) {
    }

    record Account(String customer, String branch, long balance) {
    }

    record Customer(String name, String tier) {
    }

    record Holder(String name, String tier, String branch) {
    }

    final Topic<String, Payment> payments;
    final Topic<String, Account> accounts;
    final Topic<String, Customer> customers;
    final ViewDefinition<String, Long> paymentCount;
    final ViewDefinition<String, Long> paymentSum;
    final ViewDefinition<String, Long> accountsPerBranch;
    final ViewDefinition<String, Long> balancePerBranch;
    final ViewDefinition<String, Holder> holders;
    final ViewDefinition<String, Long> accountsPerTier;
    final ViewDefinition<String, Account> accountByCustomer;

    PaymentViews(String run) {
        payments = Topic.of("payments-" + run, Serdes.String(), Json.serde(Payment.class));
        accounts = Topic.of("accounts-" + run, Serdes.String(), Json.serde(Account.class));
        customers = Topic.of("customers-" + run, Serdes.String(), Json.serde(Customer.class));
        paymentCount = View.events(payments).groupBy(Payment::account, Serdes.String()).count()
                .materialize("payment-count");
        paymentSum = View.events(payments).groupBy(Payment::account, Serdes.String())
                .aggregate(() -> 0L, (sum, payment) -> sum + payment.amount(), Serdes.Long())
                .materialize("payment-sum");
        accountsPerBranch = View.from(accounts).groupBy(Account::branch, Serdes.String()).count()
                .materialize("accounts-per-branch");
        balancePerBranch = View.from(accounts).groupBy(Account::branch, Serdes.String())
                .aggregate(() -> 0L, (sum, account) -> sum + account.balance(),
                        (sum, account) -> sum - account.balance(), Serdes.Long())
                .materialize("balance-per-branch");
        View<String, Holder> joined = View.from(accounts).join(View.from(customers), Account::customer,
                (account, customer) -> new Holder(customer.name(), customer.tier(), account.branch()));
        holders = joined.materialize("account-holders", Json.serde(Holder.class));
        accountsPerTier = joined.withValueSerde(Json.serde(Holder.class)).groupBy(Holder::tier, Serdes.String())
                .count().materialize("accounts-per-tier");
        accountByCustomer = View.from(accounts).rekey(Account::customer, Serdes.String())
                .materialize("account-by-customer");
    }

    List<ViewDefinition<String, ?>> all() {
        return List.of(paymentCount, paymentSum, accountsPerBranch, balancePerBranch, holders, accountsPerTier,
                accountByCustomer);
    }

    List<String> topics() {
        return List.of(payments.name(), accounts.name(), customers.name());
    }

    /** One record to send: a payment, or the new value (null: a delete) of an account or a customer. */
    record Op(String topic, String key, Object value) {
        boolean isPayment() {
            return value instanceof Payment;
        }
    }

    /**
     * @param count the number of records after the first accounts and customers
     * @return the same records for the same count every time: every customer and account first, then
     *     payments (80 %), account changes (15 %; a tenth of them deletes, some to customers that never exist)
     *     and customer changes (5 %; some deletes)
     */
    List<Op> workload(int count) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            ops.add(new Op(customers.name(), customer(i), new Customer("Customer " + i, tier(i))));
        }
        for (int i = 0; i < ACCOUNTS; i++) {
            ops.add(new Op(accounts.name(), account(i), new Account(customer(i % CUSTOMERS), branch(i), 100L * i)));
        }
        Random random = new Random(42);
        for (int n = 0; n < count; n++) {
            int dice = random.nextInt(100);
            if (dice < 80) {
                ops.add(new Op(payments.name(), String.format("pay-%06d", n),
                        new Payment(account(random.nextInt(ACCOUNTS)), 1 + random.nextInt(999))));
            } else if (dice < 95) {
                String key = account(random.nextInt(ACCOUNTS));
                ops.add(new Op(accounts.name(), key, random.nextInt(10) == 0 ? null : new Account(
                        customer(random.nextInt(CUSTOMERS + 2)), branch(random.nextInt(5)), random.nextInt(10_000))));
            } else {
                int i = random.nextInt(CUSTOMERS);
                ops.add(new Op(customers.name(), customer(i), random.nextInt(7) == 0 ? null
                        : new Customer("Customer " + i + " v" + n, tier(random.nextInt(3)))));
            }
        }
        return ops;
    }

    ProducerRecord<byte[], byte[]> record(Op op) {
        byte[] key = Serdes.String().serializer().serialize(op.topic(), op.key());
        byte[] value;
        if (op.value() == null) {
            value = null;
        } else if (op.value() instanceof Payment payment) {
            value = payments.valueSerde().serializer().serialize(op.topic(), payment);
        } else if (op.value() instanceof Account account) {
            value = accounts.valueSerde().serializer().serialize(op.topic(), account);
        } else {
            value = customers.valueSerde().serializer().serialize(op.topic(), (Customer) op.value());
        }
        return new ProducerRecord<>(op.topic(), key, value);
    }

    /** Each view's query over the records sent: the latest value per key of each table, every payment. */
    Map<String, Map<String, ?>> reference(List<Op> sent) {
        Map<String, Account> accountRows = new HashMap<>();
        Map<String, Customer> customerRows = new HashMap<>();
        Map<String, Long> count = new TreeMap<>();
        Map<String, Long> sum = new TreeMap<>();
        for (Op op : sent) {
            if (op.value() instanceof Payment payment) {
                count.merge(payment.account(), 1L, Long::sum);
                sum.merge(payment.account(), payment.amount(), Long::sum);
            } else if (op.topic().equals(accounts.name())) {
                put(accountRows, op.key(), (Account) op.value());
            } else {
                put(customerRows, op.key(), (Customer) op.value());
            }
        }
        Map<String, Long> perBranch = new TreeMap<>();
        Map<String, Long> balance = new TreeMap<>();
        Map<String, Holder> holderRows = new TreeMap<>();
        Map<String, Long> perTier = new TreeMap<>();
        Map<String, String> firstAccount = new TreeMap<>();
        accountRows.forEach((key, account) -> {
            perBranch.merge(account.branch(), 1L, Long::sum);
            balance.merge(account.branch(), account.balance(), Long::sum);
            Customer customer = customerRows.get(account.customer());
            if (customer != null) {
                holderRows.put(key, new Holder(customer.name(), customer.tier(), account.branch()));
                perTier.merge(customer.tier(), 1L, Long::sum);
            }
            // a re-key keeps, of the rows that map to one new key, the one whose old key sorts first
            firstAccount.merge(account.customer(), key, (a, b) -> a.compareTo(b) <= 0 ? a : b);
        });
        Map<String, Account> byCustomer = new TreeMap<>();
        firstAccount.forEach((customer, key) -> byCustomer.put(customer, accountRows.get(key)));
        Map<String, Map<String, ?>> expected = new HashMap<>();
        expected.put(paymentCount.name(), count);
        expected.put(paymentSum.name(), sum);
        expected.put(accountsPerBranch.name(), perBranch);
        expected.put(balancePerBranch.name(), balance);
        expected.put(holders.name(), holderRows);
        expected.put(accountsPerTier.name(), perTier);
        expected.put(accountByCustomer.name(), byCustomer);
        return expected;
    }

    private static <V> void put(Map<String, V> rows, String key, V value) {
        if (value == null) {
            rows.remove(key);
        } else {
            rows.put(key, value);
        }
    }

    private static String customer(int i) {
        return "cust-" + String.format("%02d", i);
    }

    private static String account(int i) {
        return String.format("acct-%02d", i);
    }

    private static String branch(int i) {
        return "branch-" + i;
    }

    private static String tier(int i) {
        return List.of("bronze", "silver", "gold").get(i % 3);
    }
}
