// The store's figures over a range (GET /vendors/me/stats): totals per currency, gross
// sales and net payouts per period in a chart, top products and SKUs low on stock.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, money, unwrap, type Schemas } from "../api";
import { SeriesChart } from "../charts";
import { RangePicker, defaultRange, instants } from "../range";
import { ErrorMessage, Loading, Page } from "../ui";

export function VendorDashboard() {
  const [range, setRange] = useState(defaultRange);
  const stats = useQuery({
    queryKey: ["vendors", "me", "stats", range],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/vendors/me/stats", {
          params: { query: { ...instants(range), interval: range.interval } },
        }),
      ),
  });
  const data = stats.data;
  const currency = data?.totals[0]?.currency ?? "USD";
  const cents = (amount: number) => money({ amount, currency });
  const inCurrency = (figures: Schemas["FiguresOut"][]) =>
    figures.find((f) => f.currency === currency);
  return (
    <Page title="Dashboard">
      <RangePicker value={range} onChange={setRange} />
      {stats.isPending ? <Loading what="figures" /> : null}
      <ErrorMessage error={stats.error} />
      {data ? (
        <>
          {data.totals.length === 0 ? <p>No orders in this range.</p> : null}
          {data.totals.map((t) => (
            <dl className="kpis" key={t.currency} aria-label={`Totals in ${t.currency}`}>
              <div>
                <dt>Orders</dt>
                <dd>{t.orders}</dd>
              </div>
              <div>
                <dt>Units</dt>
                <dd>{t.units}</dd>
              </div>
              <div>
                <dt>Gross sales</dt>
                <dd>{money(t.gross_sales)}</dd>
              </div>
              <div>
                <dt>Refunds</dt>
                <dd>{money(t.refunds)}</dd>
              </div>
              <div>
                <dt>Platform fees</dt>
                <dd>{money(t.platform_fees)}</dd>
              </div>
              <div>
                <dt>Net payouts</dt>
                <dd>{money(t.net_payouts)}</dd>
              </div>
              <div>
                <dt>Average order</dt>
                <dd>{money(t.average_order_value)}</dd>
              </div>
            </dl>
          ))}
          <SeriesChart
            title={`Sales per ${data.interval} (${currency})`}
            kind="bar"
            labels={data.buckets.map((b) => b.start.slice(0, 10))}
            series={[
              {
                label: "Gross sales",
                values: data.buckets.map((b) => inCurrency(b.figures)?.gross_sales.amount ?? 0),
              },
              {
                label: "Net payouts",
                values: data.buckets.map((b) => inCurrency(b.figures)?.net_payouts.amount ?? 0),
              },
            ]}
            format={cents}
          />
          <div className="two">
            <section aria-labelledby="top-title">
              <h2 id="top-title">Top products</h2>
              {data.top_products.length === 0 ? <p>None yet.</p> : null}
              <ol>
                {data.top_products.map((p) => (
                  <li key={p.product_id}>
                    {p.title}: {p.units} units, {money(p.sales)}
                  </li>
                ))}
              </ol>
            </section>
            <section aria-labelledby="low-title">
              <h2 id="low-title">Low on stock</h2>
              {data.low_stock.length === 0 ? <p>Nothing low.</p> : null}
              <ul>
                {data.low_stock.map((s) => (
                  <li key={s.sku}>
                    {s.title} ({s.sku}): {s.available} left
                  </li>
                ))}
              </ul>
            </section>
          </div>
        </>
      ) : null}
    </Page>
  );
}
