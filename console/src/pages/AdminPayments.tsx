// Payments and refunds (GET /admin/payments, POST /admin/payments/{id}/refund): an
// order's payment found by the order's number or id (or every payment, newest first,
// by state), refunded in full or in part after a confirmation.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { api, major, minor, money, newKey, unwrap, when, type Schemas } from "../api";
import { Badge, Confirm, ErrorMessage, Field, Page, PagedTable, Select, usePaged } from "../ui";

type Payment = Schemas["AdminPaymentOut"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = [
  "succeeded",
  "processing",
  "requires_payment_method",
  "requires_action",
  "failed",
  "canceled",
] as const;
type Status = (typeof STATUSES)[number];

async function findPayments(filters: { order: string; status: Status | "" }, cursor: string | null) {
  const order = filters.order.trim();
  const query = {
    limit: 25,
    ...(cursor ? { cursor } : {}),
    ...(order === "" ? {} : UUID.test(order) ? { order_id: order } : { order_number: order.toUpperCase() }),
    ...(filters.status ? { status: filters.status } : {}),
  };
  return unwrap(await api.GET("/api/v1/admin/payments", { params: { query } }));
}

export function AdminPayments() {
  const [order, setOrder] = useState("");
  const [status, setStatus] = useState("");
  const [filters, setFilters] = useState({ order: "", status: "" as Status | "" });
  const payments = usePaged(["admin", "payments", filters], (cursor) => findPayments(filters, cursor));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters({ order, status: status as Status | "" });
  };
  return (
    <Page title="Payments and refunds">
      <form className="inline-form" onSubmit={submit} aria-label="Find payments">
        <Field
          label="Order number or id"
          placeholder="AG-…"
          value={order}
          onChange={(e) => setOrder(e.target.value)}
        />
        <Select
          label="State"
          value={status}
          onChange={setStatus}
          options={[
            { value: "", label: "Any" },
            ...STATUSES.map((s) => ({ value: s, label: s.replaceAll("_", " ") })),
          ]}
        />
        <button type="submit">Find</button>
      </form>
      <PagedTable
        paged={payments}
        what="payments"
        empty="No payments found."
        more="Older payments"
        columns={["Order", "Placed", "State", "Amount", "Refunded", "Refund"]}
        row={(payment) => <PaymentRow key={payment.id} payment={payment} />}
      />
    </Page>
  );
}

function PaymentRow({ payment }: { payment: Payment }) {
  const order = payment.order_number ?? payment.order_id;
  const left = payment.amount.amount - payment.refunded.amount;
  return (
    <tr>
      <th scope="row">
        <code>{order}</code>
      </th>
      <td>{when(payment.created_at)}</td>
      <td>
        <Badge value={payment.status} />
      </td>
      <td>{money(payment.amount)}</td>
      <td>{money(payment.refunded)}</td>
      <td>
        {payment.status === "succeeded" && left > 0 ? (
          <RefundForm payment={payment} order={order} left={left} />
        ) : (
          <span className="muted">{left > 0 ? "Not paid" : "Refunded in full"}</span>
        )}
      </td>
    </tr>
  );
}

function RefundForm({ payment, order, left }: { payment: Payment; order: string; left: number }) {
  const queries = useQueryClient();
  const [amount, setAmount] = useState(major(left));
  const [reason, setReason] = useState("");
  const [asking, setAsking] = useState(false);
  const refund = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/admin/payments/{payment_id}/refund", {
          params: { path: { payment_id: payment.id }, header: { "Idempotency-Key": newKey() } },
          // All that is left is sent as no amount, so a refund in full is never a cent short.
          body: { amount: minor(amount) === left ? null : minor(amount), reason: reason || null },
        }),
      ),
    onSuccess: (made) => {
      setAmount(major(payment.amount.amount - made.total_refunded.amount));
      setReason("");
      void queries.invalidateQueries({ queryKey: ["admin", "payments"] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsking(true);
  };
  const sum = money({ amount: minor(amount), currency: payment.amount.currency });
  return (
    <form className="actions" onSubmit={submit} aria-label={`Refund order ${order}`}>
      <Field
        label={`Amount (${payment.amount.currency})`}
        type="number"
        min="0.01"
        max={major(left)}
        step="0.01"
        required
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
      />
      <Field label="Reason" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      {asking ? (
        <Confirm
          question={`Refund ${sum} of order ${order}${minor(amount) === left ? ", all that is left" : ""}? The money goes back to the buyer's card; this cannot be undone.`}
          confirm="Confirm refund"
          pending={refund.isPending}
          onConfirm={() => {
            setAsking(false);
            refund.mutate();
          }}
          onCancel={() => setAsking(false)}
        />
      ) : (
        <button type="submit" disabled={refund.isPending}>
          Refund
        </button>
      )}
      {refund.isSuccess ? <span role="status">Refunded {money(refund.data.amount)}</span> : null}
      <ErrorMessage error={refund.error} />
    </form>
  );
}
