// What the store is paid per order: held (until delivery, 7 days, or Connect
// onboarding), paid, or reversed, with the platform's fee and refunds taken back.
import { useQuery } from "@tanstack/react-query";

import { api, money, unwrap, when } from "../api";
import { Badge, ErrorMessage, Loading, Page } from "../ui";

export function VendorPayouts() {
  const payouts = useQuery({
    queryKey: ["vendors", "me", "payouts"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/vendors/me/payouts", { params: { query: { limit: 100 } } })),
  });
  return (
    <Page title="Payouts">
      {payouts.isPending ? <Loading what="payouts" /> : null}
      <ErrorMessage error={payouts.error} />
      {payouts.data && payouts.data.items.length === 0 ? <p>No payouts yet.</p> : null}
      {payouts.data && payouts.data.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Status</th>
                <th scope="col">Gross</th>
                <th scope="col">Fee</th>
                <th scope="col">Reversed</th>
                <th scope="col">Net</th>
                <th scope="col">Released</th>
              </tr>
            </thead>
            <tbody>
              {payouts.data.items.map((payout) => (
                <tr key={payout.id}>
                  <td>
                    <code>{payout.order_id.slice(0, 8)}</code>
                  </td>
                  <td>
                    <Badge value={payout.status} />
                  </td>
                  <td>{money(payout.gross)}</td>
                  <td>{money(payout.fee)}</td>
                  <td>{money(payout.reversed)}</td>
                  <td>{money(payout.net)}</td>
                  <td>
                    {payout.paid_at
                      ? `paid ${when(payout.paid_at)}`
                      : payout.release_at
                        ? `from ${when(payout.release_at)}`
                        : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Page>
  );
}
