// Marketplace analytics (GET /admin/analytics) over a range, per period in a chart;
// CSV exports of orders, payouts and the ledger for the same range.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, authorizedFetch, money, problemMessage, unwrap } from "../api";
import { SeriesChart } from "../charts";
import { RangePicker, defaultRange, instants, type Range } from "../range";
import { ErrorMessage, Loading, Page, Select } from "../ui";

type Metric = "gmv" | "orders" | "aov" | "conversion" | "new_buyers" | "refund_rate";
const METRICS: { value: Metric; label: string }[] = [
  { value: "gmv", label: "Gross merchandise value" },
  { value: "orders", label: "Orders" },
  { value: "aov", label: "Average order value" },
  { value: "conversion", label: "Conversion (orders over carts begun)" },
  { value: "new_buyers", label: "First-time buyers" },
  { value: "refund_rate", label: "Refund rate" },
];
const EXPORTS = [
  ["orders", "Orders"],
  ["payouts", "Payouts"],
  ["ledger", "Ledger"],
] as const;

export function AdminAnalytics() {
  const [range, setRange] = useState<Range>(defaultRange);
  const [metric, setMetric] = useState<Metric>("gmv");
  const analytics = useQuery({
    queryKey: ["admin", "analytics", metric, range],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/admin/analytics", {
          params: { query: { metric, ...instants(range), interval: range.interval } },
        }),
      ),
  });
  const download = useMutation({
    mutationFn: async (what: (typeof EXPORTS)[number][0]) => {
      const query = new URLSearchParams({ ...instants(range), format: "csv" });
      const answer = await authorizedFetch(
        new Request(`/api/v1/admin/${what}?${query.toString()}`, {
          headers: { Accept: "text/csv" },
        }),
      );
      if (!answer.ok) {
        throw new Error(problemMessage(answer.status, await answer.json().catch(() => null)));
      }
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await answer.blob());
      link.download = `${what}-${range.from}-${range.to}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    },
  });
  const data = analytics.data;
  const format = (currency: string | null) => (value: number) => {
    if (data?.unit === "minor_units") return money({ amount: value, currency: currency ?? "USD" });
    if (data?.unit === "basis_points") return `${(value / 100).toFixed(2)} %`;
    return String(value);
  };
  const label = METRICS.find((m) => m.value === metric)?.label ?? metric;
  return (
    <Page title="Analytics">
      <div className="inline-form">
        <Select
          label="Metric"
          value={metric}
          onChange={(m) => setMetric(m as Metric)}
          options={METRICS}
        />
      </div>
      <RangePicker value={range} onChange={setRange} />
      {analytics.isPending ? <Loading what="analytics" /> : null}
      <ErrorMessage error={analytics.error} />
      {data && data.series.length === 0 ? <p>Nothing in this range.</p> : null}
      {data?.series.map((series) => (
        <div key={series.currency ?? "all"}>
          <p className="kpi-line">
            {label}
            {series.currency ? ` (${series.currency})` : ""}, whole range:{" "}
            <strong>{format(series.currency)(series.total.value)}</strong>
          </p>
          <SeriesChart
            title={`${label} per ${data.interval}${series.currency ? ` (${series.currency})` : ""}`}
            kind="line"
            labels={series.buckets.map((b) => b.start.slice(0, 10))}
            series={[{ label, values: series.buckets.map((b) => b.value) }]}
            format={format(series.currency)}
          />
        </div>
      ))}
      <section aria-labelledby="exports-title" className="card">
        <h2 id="exports-title">CSV exports for this range</h2>
        <div className="actions">
          {EXPORTS.map(([what, name]) => (
            <button
              type="button"
              key={what}
              onClick={() => download.mutate(what)}
              disabled={download.isPending}
            >
              Download {name} CSV
            </button>
          ))}
        </div>
        <ErrorMessage error={download.error} />
      </section>
    </Page>
  );
}
