// The queue of stores waiting for approval (and the others by status): approve, or
// suspend.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap, when, type Schemas } from "../api";
import { Badge, ErrorMessage, Loading, Page, Select } from "../ui";

const STATUSES = ["pending", "approved", "suspended"].map((s) => ({
  value: s,
  label: s[0]!.toUpperCase() + s.slice(1),
}));

export function AdminVendors() {
  const [status, setStatus] = useState("pending");
  const vendors = useQuery({
    queryKey: ["admin", "vendors", status],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/admin/vendors", {
          params: { query: { status: status as "pending", limit: 100 } },
        }),
      ),
  });
  return (
    <Page title="Vendor approvals">
      <Select label="Status" value={status} onChange={setStatus} options={STATUSES} />
      {vendors.isPending ? <Loading what="stores" /> : null}
      <ErrorMessage error={vendors.error} />
      {vendors.data && vendors.data.items.length === 0 ? <p>No stores here.</p> : null}
      {vendors.data && vendors.data.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Store</th>
                <th scope="col">Description</th>
                <th scope="col">Applied</th>
                <th scope="col">Status</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {vendors.data.items.map((vendor) => (
                <VendorRow key={vendor.id} vendor={vendor} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Page>
  );
}

function VendorRow({ vendor }: { vendor: Schemas["VendorOut"] }) {
  const queries = useQueryClient();
  const decide = useMutation({
    mutationFn: async (status: "approved" | "suspended") =>
      unwrap(
        await api.PATCH("/api/v1/admin/vendors/{vendor_id}", {
          params: { path: { vendor_id: vendor.id } },
          body: { status },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["admin", "vendors"] }),
  });
  return (
    <tr>
      <th scope="row">{vendor.name}</th>
      <td>{vendor.description || "—"}</td>
      <td>{when(vendor.created_at)}</td>
      <td>
        <Badge value={vendor.status} />
      </td>
      <td>
        <div className="actions">
        {vendor.status !== "approved" ? (
          <button type="button" onClick={() => decide.mutate("approved")} disabled={decide.isPending}>
            Approve {vendor.name}
          </button>
        ) : null}
        {vendor.status === "approved" ? (
          <button
            type="button"
            className="secondary"
            onClick={() => decide.mutate("suspended")}
            disabled={decide.isPending}
          >
            Suspend {vendor.name}
          </button>
        ) : null}
        <ErrorMessage error={decide.error} />
        </div>
      </td>
    </tr>
  );
}
