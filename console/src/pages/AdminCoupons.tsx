// A new coupon (POST /admin/coupons): percent or a fixed amount in one currency, a
// minimum subtotal, an expiry, limits, and who funds the discount. The API lists no
// coupons yet, so the page shows those made here in this visit.
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { api, unwrap, when, type Schemas } from "../api";
import { ErrorMessage, Field, Page, Select } from "../ui";

export function AdminCoupons() {
  const [code, setCode] = useState("");
  const [kind, setKind] = useState<"percent" | "fixed">("percent");
  const [value, setValue] = useState("");
  const [currency, setCurrency] = useState("USD");
  const [minimum, setMinimum] = useState("0");
  const [expires, setExpires] = useState("");
  const [maxUses, setMaxUses] = useState("");
  const [fundedBy, setFundedBy] = useState<"vendor" | "platform">("vendor");
  const [made, setMade] = useState<Schemas["CouponOut"][]>([]);
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/admin/coupons", {
          body: {
            code,
            kind,
            value: kind === "percent" ? Number(value) : Math.round(Number(value) * 100),
            currency: kind === "fixed" ? currency : null,
            min_subtotal: Math.round(Number(minimum) * 100),
            expires_at: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null,
            max_uses: maxUses ? Number(maxUses) : null,
            funded_by: fundedBy,
          },
        }),
      ),
    onSuccess: (coupon) => {
      setMade([coupon, ...made]);
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
      {made.length > 0 ? (
        <section aria-labelledby="made-title">
          <h2 id="made-title">Made now</h2>
          <ul>
            {made.map((coupon) => (
              <li key={coupon.code}>
                <code>{coupon.code}</code>: {coupon.kind} {coupon.value}
                {coupon.currency ? ` ${coupon.currency}` : ""}, expires {when(coupon.expires_at)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Page>
  );
}
