// The store's profile and its Stripe Connect onboarding (KYC status, whether payouts
// are held); without a store, the application to sell.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { ApiError, api, newKey, unwrap, when } from "../api";
import { Badge, ErrorMessage, Field, Loading, Page } from "../ui";

export function VendorStore() {
  const store = useQuery({
    queryKey: ["vendors", "me"],
    queryFn: async () => {
      const answer = await api.GET("/api/v1/vendors/me");
      return answer.response.status === 404 ? null : unwrap(answer);
    },
  });
  return (
    <Page title="Store">
      {store.isPending ? <Loading what="your store" /> : null}
      <ErrorMessage error={store.error} />
      {store.data === null ? <Apply /> : null}
      {store.data ? (
        <>
          <dl className="card facts">
            <dt>Name</dt>
            <dd>{store.data.name}</dd>
            <dt>Description</dt>
            <dd>{store.data.description || "—"}</dd>
            <dt>Status</dt>
            <dd>
              <Badge value={store.data.status} />
            </dd>
            <dt>Applied</dt>
            <dd>{when(store.data.created_at)}</dd>
            <dt>Approved</dt>
            <dd>{when(store.data.approved_at)}</dd>
          </dl>
          {store.data.status === "pending" ? (
            <p role="status">
              An admin reviews your application. Once approved, sign out and in again to sell.
            </p>
          ) : null}
          {store.data.status === "approved" ? <Connect /> : null}
        </>
      ) : null}
    </Page>
  );
}

function Apply() {
  const queries = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const apply = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/vendors", {
          body: { name, description },
          params: { header: { "Idempotency-Key": newKey() } },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["vendors", "me"] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="apply-title">
      <h2 id="apply-title">Apply to sell</h2>
      <Field label="Store name" required value={name} onChange={(e) => setName(e.target.value)} />
      <Field
        label="Description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <ErrorMessage error={apply.error} />
      <button type="submit" disabled={apply.isPending}>
        Apply
      </button>
    </form>
  );
}

function Connect() {
  const connect = useQuery({
    queryKey: ["vendors", "me", "connect"],
    queryFn: async () => {
      const answer = await api.GET("/api/v1/vendors/me/connect");
      return answer.response.status === 404 ? null : unwrap(answer);
    },
  });
  const onboard = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/vendors/me/connect")),
  });
  const account = onboard.data ?? connect.data;
  return (
    <section className="card" aria-labelledby="connect-title">
      <h2 id="connect-title">Payouts: Stripe Connect</h2>
      {connect.isPending ? <Loading what="the payout account" /> : null}
      <ErrorMessage error={connect.error instanceof ApiError ? connect.error : null} />
      {account ? (
        <dl className="facts">
          <dt>Verification (KYC)</dt>
          <dd>
            <Badge value={account.kyc_status} />
          </dd>
          <dt>Charges enabled</dt>
          <dd>{account.charges_enabled ? "yes" : "no"}</dd>
          <dt>Payouts enabled</dt>
          <dd>{account.payouts_enabled ? "yes" : "no"}</dd>
          <dt>Payouts</dt>
          <dd>{account.payouts_held ? "held until onboarding is complete" : "paid out"}</dd>
          {account.requirements_due.length > 0 ? (
            <>
              <dt>Still needed</dt>
              <dd>{account.requirements_due.join(", ")}</dd>
            </>
          ) : null}
        </dl>
      ) : connect.data === null ? (
        <p>No payout account yet: your payouts are held until you finish onboarding.</p>
      ) : null}
      {onboard.data ? (
        <p>
          <a href={onboard.data.onboarding_url} rel="noopener noreferrer">
            Continue onboarding with Stripe
          </a>{" "}
          (the link expires {when(onboard.data.onboarding_expires_at)})
        </p>
      ) : account?.kyc_status !== "verified" ? (
        <button type="button" onClick={() => onboard.mutate()} disabled={onboard.isPending}>
          {account ? "Get a new onboarding link" : "Start onboarding"}
        </button>
      ) : null}
      <ErrorMessage error={onboard.error} />
    </section>
  );
}
