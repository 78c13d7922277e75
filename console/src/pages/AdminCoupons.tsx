// Coupons (GET and POST /admin/coupons): every coupon, newest first, with its uses; a
// new one, percent or a fixed amount in one currency, with a minimum subtotal, an
// expiry, limits, and who funds the discount.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { api, major, minor, money, unwrap, when, type Schemas } from "../api";
import { ErrorMessage, Field, Page, PagedTable, Select, usePaged } from "../ui";

/** Minor units in the coupon's currency; a percent coupon has none (the cart's). */
function amount(coupon: Schemas["CouponOut"], value: number): string {
  return coupon.currency ? money({ amount: value, currency: coupon.currency }) : major(value);
}

export function AdminCoupons() {
  const [code, setCode] = useState("");
  const [kind, setKind] = useState<"percent" | "fixed">("percent");
  const [value, setValue] = useState("");
  const [currency, setCurrency] = useState("USD");
  const [minimum, setMinimum] = useState("0");
  const [expires, setExpires] = useState("");
  const [maxUses, setMaxUses] = useState("");
  const [fundedBy, setFundedBy] = useState<"vendor" | "platform">("vendor");
  const queries = useQueryClient();
  const coupons = usePaged(["admin", "coupons"], async (cursor) =>
    unwrap(
      await api.GET("/api/v1/admin/coupons", {
        params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/admin/coupons", {
          body: {
            code,
            kind,
            value: kind === "percent" ? Number(value) : minor(value),
            currency: kind === "fixed" ? currency : null,
            min_subtotal: minor(minimum),
            expires_at: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null,
            max_uses: maxUses ? Number(maxUses) : null,
            funded_by: fundedBy,
          },
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ["admin", "coupons"] });
      setCode("");
      setValue("");
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Page title="Coupons">
      <form className="card grid-form" onSubmit={submit} aria-labelledby="new-coupon">
        <h2 id="new-coupon">New coupon</h2>
        <Field
          label="Code"
          required
          pattern="[A-Za-z0-9_\-]+"
          hint="Letters, digits, - and _"
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <Select
          label="Kind"
          value={kind}
          onChange={(k) => setKind(k as "percent" | "fixed")}
          options={[
            { value: "percent", label: "Percent off" },
            { value: "fixed", label: "Fixed amount off" },
          ]}
        />
        <Field
          label={kind === "percent" ? "Percent (1-100)" : "Amount"}
          type="number"
          min={kind === "percent" ? "1" : "0.01"}
          max={kind === "percent" ? "100" : undefined}
          step={kind === "percent" ? "1" : "0.01"}
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        {kind === "fixed" ? (
          <Select
            label="Currency"
            value={currency}
            onChange={setCurrency}
            options={["USD", "EUR", "GBP"].map((c) => ({ value: c, label: c }))}
          />
        ) : null}
        <Field
          label="Minimum subtotal"
          type="number"
          min="0"
          step="0.01"
          value={minimum}
          onChange={(e) => setMinimum(e.target.value)}
        />
        <Field label="Expires after" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
        <Field
          label="Uses in all"
          type="number"
          min="1"
          step="1"
          hint="Empty: no limit"
          value={maxUses}
          onChange={(e) => setMaxUses(e.target.value)}
        />
        <Select
          label="Discount funded by"
          value={fundedBy}
          onChange={(f) => setFundedBy(f as "vendor" | "platform")}
          options={[
            { value: "vendor", label: "The vendors" },
            { value: "platform", label: "The platform" },
          ]}
        />
        <ErrorMessage error={create.error} />
        <button type="submit" disabled={create.isPending}>
          Create coupon
        </button>
      </form>
      <h2>All coupons</h2>
      <PagedTable
        paged={coupons}
        what="coupons"
        empty="No coupons yet."
        more="Older coupons"
        columns={["Code", "Discount", "Minimum subtotal", "Expires", "Used", "Funded by", "Created"]}
        row={(coupon) => (
          <tr key={coupon.code}>
            <th scope="row">
              <code>{coupon.code}</code>
            </th>
            <td>{coupon.kind === "percent" ? `${coupon.value}%` : amount(coupon, coupon.value)}</td>
            <td>{coupon.min_subtotal > 0 ? amount(coupon, coupon.min_subtotal) : "—"}</td>
            <td>{when(coupon.expires_at)}</td>
            <td>
              {coupon.used}
              {coupon.max_uses === null || coupon.max_uses === undefined ? "" : ` of ${coupon.max_uses}`}
            </td>
            <td>{coupon.funded_by}</td>
            <td>{when(coupon.created_at)}</td>
          </tr>
        )}
      />
    </Page>
  );
}
