// A product after its creation: its title and description changed (PATCH
// /products/{id}); its variants with SKU, options, price and stock, each one's price
// (PATCH /products/{id}/variants/{sku}) and stock on hand (PUT /inventory/{sku})
// changed; a new variant added (POST /products/{id}/variants).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { api, major, minor, newKey, unwrap, type Schemas } from "../api";
import { ErrorMessage, Field, Loading, Table } from "../ui";

/** "size=M, colour=red" as the API's attributes. */
export function parseOptions(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(",")
      .map((pair) => pair.split("=").map((part) => part.trim()))
      .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== "" && pair[1] !== ""),
  );
}

export function ProductVariants({ productId, title }: { productId: string; title: string }) {
  const product = useQuery({
    queryKey: ["product", productId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/products/{product_id}", {
          params: { path: { product_id: productId } },
        }),
      ),
  });
  return (
    <div className="variants">
      {product.isPending ? <Loading what="variants" /> : null}
      <ErrorMessage error={product.error} />
      {product.data ? <ProductText product={product.data} /> : null}
      {product.data ? (
        <Table
          caption={`Variants of ${title}`}
          columns={["SKU", "Options", "Available", "Price and stock on hand"]}
        >
          {product.data.variants.map((variant) => (
            <VariantRow key={variant.sku} productId={productId} variant={variant} />
          ))}
        </Table>
      ) : null}
      <NewVariant productId={productId} title={title} currency={product.data?.variants[0]?.price.currency} />
    </div>
  );
}

function ProductText({ product }: { product: Schemas["ProductOut"] }) {
  const queries = useQueryClient();
  const [title, setTitle] = useState(product.title);
  const [description, setDescription] = useState(product.description);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/api/v1/products/{product_id}", {
          params: { path: { product_id: product.id } },
          body: { title, description },
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ["product", product.id] });
      void queries.invalidateQueries({ queryKey: ["vendors", "me", "products"] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Text of ${product.title}`}>
      <Field label="Title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      <Field label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <button type="submit" disabled={save.isPending}>
        Save text
      </button>
      {save.isSuccess ? <span role="status">Saved</span> : null}
      <ErrorMessage error={save.error} />
    </form>
  );
}

/** One variant's price and stock on hand, in one form: each is sent only when changed. */
function VariantRow({ productId, variant }: { productId: string; variant: Schemas["VariantOut"] }) {
  const queries = useQueryClient();
  const shownPrice = major(variant.price.amount);
  const shownOnHand = String(variant.on_hand ?? variant.available);
  const [price, setPrice] = useState(shownPrice);
  const [onHand, setOnHand] = useState(shownOnHand);
  const save = useMutation({
    mutationFn: async () => {
      if (price !== shownPrice) {
        unwrap(
          await api.PATCH("/api/v1/products/{product_id}/variants/{sku}", {
            params: { path: { product_id: productId, sku: variant.sku } },
            body: { price: { amount: minor(price), currency: variant.price.currency } },
          }),
        );
      }
      if (onHand !== shownOnHand) {
        unwrap(
          await api.PUT("/api/v1/inventory/{sku}", {
            params: { path: { sku: variant.sku } },
            body: { on_hand: Number(onHand) },
          }),
        );
      }
    },
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ["product", productId] });
      void queries.invalidateQueries({ queryKey: ["vendors", "me", "products"] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const options = Object.entries(variant.attributes)
    .map(([name, value]) => `${name}: ${value}`)
    .join(", ");
  return (
    <tr>
      <th scope="row">{variant.sku}</th>
      <td>{options || "—"}</td>
      <td>{variant.available}</td>
      <td>
        <form className="inline-form" onSubmit={submit} aria-label={`Price and stock of ${variant.sku}`}>
          <Field
            label={`Price in ${variant.price.currency} (${variant.sku})`}
            type="number"
            min="0.01"
            step="0.01"
            required
            value={price}
            onChange={(e) => setPrice(e.target.value)}
          />
          <Field
            label={`On hand (${variant.sku})`}
            type="number"
            min="0"
            step="1"
            required
            value={onHand}
            onChange={(e) => setOnHand(e.target.value)}
          />
          <button type="submit" disabled={save.isPending}>
            Save {variant.sku}
          </button>
          {save.isSuccess ? <span role="status">Saved</span> : null}
          <ErrorMessage error={save.error} />
        </form>
      </td>
    </tr>
  );
}

function NewVariant({
  productId,
  title,
  currency,
}: {
  productId: string;
  title: string;
  currency: string | undefined;
}) {
  const queries = useQueryClient();
  const [sku, setSku] = useState("");
  const [options, setOptions] = useState("");
  const [price, setPrice] = useState("");
  const [stock, setStock] = useState("0");
  const add = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/products/{product_id}/variants", {
          params: { path: { product_id: productId }, header: { "Idempotency-Key": newKey() } },
          body: {
            sku,
            attributes: parseOptions(options),
            price: { amount: minor(price), currency: currency ?? "USD" },
            stock: Number(stock),
          },
        }),
      ),
    onSuccess: () => {
      setSku("");
      setOptions("");
      setPrice("");
      void queries.invalidateQueries({ queryKey: ["product", productId] });
      void queries.invalidateQueries({ queryKey: ["vendors", "me", "products"] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`New variant of ${title}`}>
      <Field label="New SKU" required value={sku} onChange={(e) => setSku(e.target.value)} />
      <Field
        label="Options"
        placeholder="size=M, colour=red"
        value={options}
        onChange={(e) => setOptions(e.target.value)}
      />
      <Field
        label={`Price (${currency ?? "USD"})`}
        type="number"
        min="0.01"
        step="0.01"
        required
        value={price}
        onChange={(e) => setPrice(e.target.value)}
      />
      <Field
        label="Stock"
        type="number"
        min="0"
        step="1"
        required
        value={stock}
        onChange={(e) => setStock(e.target.value)}
      />
      <button type="submit" disabled={add.isPending}>
        Add variant
      </button>
      <ErrorMessage error={add.error} />
    </form>
  );
}
