// The store's products: the list (any status), a new product with its first variant
// (SKU, price, stock) and image, published at once or kept as a draft; more images,
// publishing, and changing a product's text and its variants' prices and stock from
// the list.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type FormEvent } from "react";

import { api, authorizedFetch, minor, money, newKey, problemMessage, unwrap, type Schemas } from "../api";
import { Badge, ErrorMessage, Field, Loading, Page, Select } from "../ui";
import { ProductVariants, parseOptions } from "./ProductVariants";

type CategoryNode = Schemas["CategoryNode"];

function flatten(nodes: CategoryNode[], depth = 0): { value: string; label: string }[] {
  return nodes.flatMap((node) => [
    { value: node.id, label: `${"— ".repeat(depth)}${node.name}` },
    ...flatten(node.children ?? [], depth + 1),
  ]);
}

async function uploadImage(productId: string, file: File): Promise<void> {
  const form = new FormData();
  form.append("file", file);
  const answer = await authorizedFetch(
    new Request(`/api/v1/products/${encodeURIComponent(productId)}/images`, {
      method: "POST",
      body: form,
    }),
  );
  if (!answer.ok) {
    throw new Error(problemMessage(answer.status, await answer.json().catch(() => null)));
  }
}

export function VendorProducts() {
  const products = useQuery({
    queryKey: ["vendors", "me", "products"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/vendors/me/products", { params: { query: { limit: 100 } } })),
  });
  return (
    <Page title="Products">
      <NewProduct />
      <h2>Your products</h2>
      {products.isPending ? <Loading what="products" /> : null}
      <ErrorMessage error={products.error} />
      {products.data && products.data.items.length === 0 ? <p>No products yet.</p> : null}
      {products.data && products.data.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Image</th>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Price from</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {products.data.items.map((product) => (
                <ProductRow key={product.id} product={product} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Page>
  );
}

function ProductRow({ product }: { product: Schemas["ProductSummary"] }) {
  const queries = useQueryClient();
  const inputId = useId();
  const refresh = () => queries.invalidateQueries({ queryKey: ["vendors", "me", "products"] });
  const uploaded = () => queries.invalidateQueries({ queryKey: ["images", product.id] });
  const upload = useMutation({
    mutationFn: (file: File) => uploadImage(product.id, file),
    onSuccess: uploaded,
  });
  const publish = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/products/{product_id}/publish", {
          params: { path: { product_id: product.id } },
        }),
      ),
    onSuccess: refresh,
  });
  const [open, setOpen] = useState(false);
  return (
    <>
    <tr>
      <td>
        <ProductImage product={product} />
      </td>
      <td>{product.title}</td>
      <td>
        <Badge value={product.status} />
      </td>
      <td>{product.price_from ? money(product.price_from) : "—"}</td>
      <td>
        <div className="actions">
        <label htmlFor={inputId}>Add an image to {product.title}</label>
        <input
          id={inputId}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload.mutate(file);
          }}
        />
        {upload.isPending ? <span role="status">Uploading…</span> : null}
        {upload.isSuccess ? <span role="status">Image uploaded</span> : null}
        <ErrorMessage error={upload.error} />
        {product.status === "draft" ? (
          <button type="button" onClick={() => publish.mutate()} disabled={publish.isPending}>
            Publish {product.title}
          </button>
        ) : null}
        <ErrorMessage error={publish.error} />
        </div>
      </td>
    </tr>
    <tr className="detail-row">
      <td colSpan={5}>
        <details onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>Edit {product.title}: text, prices, variants and stock</summary>
          {open ? <ProductVariants productId={product.id} title={product.title} /> : null}
        </details>
      </td>
    </tr>
    </>
  );
}


/** The product's first uploaded image (its small thumbnail once made), else the
 * first image URL it lists; polled while thumbnails are being made. */
function ProductImage({ product }: { product: Schemas["ProductSummary"] }) {
  const images = useQuery({
    queryKey: ["images", product.id],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/products/{product_id}/images", {
          params: { path: { product_id: product.id } },
        }),
      ),
    refetchInterval: (query) =>
      query.state.data?.items.some((image) => image.state === "processing") ? 2000 : false,
  });
  const first = images.data?.items[0];
  if (first?.state === "processing") return <span role="status">processing…</span>;
  const url = first?.state === "ready" ? (first.thumbnails.small ?? first.url) : product.image_url;
  if (!url) return <span className="muted">none</span>;
  return <img src={url} alt={`${product.title}`} width={48} height={48} className="thumb" />;
}

function NewProduct() {
  const queries = useQueryClient();
  const categories = useQuery({
    queryKey: ["categories"],
    queryFn: async () => unwrap(await api.GET("/api/v1/categories")),
  });
  const options = flatten(categories.data?.items ?? []);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [category, setCategory] = useState("");
  const [sku, setSku] = useState("");
  const [variantOptions, setVariantOptions] = useState("");
  const [price, setPrice] = useState("");
  const [currency, setCurrency] = useState("USD");
  const [stock, setStock] = useState("10");
  const [file, setFile] = useState<File | null>(null);
  const [publish, setPublish] = useState(true);
  const fileId = useId();
  const fileInput = useRef<HTMLInputElement>(null);

  const create = useMutation({
    mutationFn: async () => {
      const product = unwrap(
        await api.POST("/api/v1/products", {
          body: {
            title,
            description,
            category_id: category || (options[0]?.value ?? ""),
            attributes: {},
            images: [],
          },
          params: { header: { "Idempotency-Key": newKey() } },
        }),
      );
      const path = { product_id: product.id };
      unwrap(
        await api.POST("/api/v1/products/{product_id}/variants", {
          params: { path, header: { "Idempotency-Key": newKey() } },
          body: {
            sku,
            price: { amount: minor(price), currency },
            attributes: parseOptions(variantOptions),
            stock: Number(stock),
          },
        }),
      );
      if (file !== null) await uploadImage(product.id, file);
      if (publish) unwrap(await api.POST("/api/v1/products/{product_id}/publish", { params: { path } }));
      return product;
    },
    onSuccess: () => {
      setTitle("");
      setDescription("");
      setSku("");
      setVariantOptions("");
      setPrice("");
      setFile(null);
      if (fileInput.current) fileInput.current.value = "";
      void queries.invalidateQueries({ queryKey: ["vendors", "me", "products"] });
      void queries.invalidateQueries({ queryKey: ["images"] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="card grid-form" onSubmit={submit} aria-labelledby="new-product">
      <h2 id="new-product">New product</h2>
      <Field label="Title" required value={title} onChange={(e) => setTitle(e.target.value)} />
      <Field
        label="Description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <Select
        label="Category"
        value={category || (options[0]?.value ?? "")}
        onChange={setCategory}
        options={options}
        required
      />
      <Field label="SKU" required value={sku} onChange={(e) => setSku(e.target.value)} />
      <Field
        label="Options"
        placeholder="size=M, colour=red"
        hint="Optional: name=value pairs, comma-separated"
        value={variantOptions}
        onChange={(e) => setVariantOptions(e.target.value)}
      />
      <Field
        label="Price"
        type="number"
        min="0.01"
        step="0.01"
        required
        value={price}
        onChange={(e) => setPrice(e.target.value)}
      />
      <Select
        label="Currency"
        value={currency}
        onChange={setCurrency}
        options={["USD", "EUR", "GBP"].map((c) => ({ value: c, label: c }))}
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
      <div className="field">
        <label htmlFor={fileId}>Image (JPEG, PNG or WebP, up to 10 MB)</label>
        <input
          id={fileId}
          ref={fileInput}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <div className="field check">
        <input
          id={`${fileId}-publish`}
          type="checkbox"
          checked={publish}
          onChange={(e) => setPublish(e.target.checked)}
        />
        <label htmlFor={`${fileId}-publish`}>Publish now</label>
      </div>
      <ErrorMessage error={categories.error} />
      <ErrorMessage error={create.error} />
      {create.isSuccess ? <p role="status">Created “{create.data.title}”.</p> : null}
      <button type="submit" disabled={create.isPending || options.length === 0}>
        Create product
      </button>
    </form>
  );
}
