"use client";
import "maplibre-gl/dist/maplibre-gl.css";
import { useEffect, useRef, useState } from "react";
import type { GeoJSONFeature, Map as MapLibreMap, MapMouseEvent, StyleSpecification } from "maplibre-gl";

/**
 * The console's map: maplibre-gl, imported dynamically so only the pages with a map pay for it,
 * fed by one of the console's vector tile routes (geo layers, STAC footprints, H3 cells). Offline
 * by default (plain background); a basemap style URL from the server config is optional.
 */
export interface VectorMapProps {
  /** Tile URL path with {z}/{x}/{y}, e.g. /api/tiles/world_countries/{z}/{x}/{y}.mvt. */
  tiles: string;
  /** The layer name inside the tiles. */
  sourceLayer: string;
  /** What the features are, for the caption ("features", "footprints", "cells"). */
  noun?: string;
  /** geometry_columns.type, e.g. MULTIPOLYGON, LINESTRING, POINT, GEOMETRY. */
  geometryType: string;
  bbox: number[] | null;
  featureCount: number | null;
  /** Features per tile at most (the server's cap): a larger layer is thinned when zoomed out. */
  tileCap?: number;
  basemapStyleUrl?: string;
}

type Kind = "polygon" | "line" | "point" | "any";
const kindOf = (t: string): Kind =>
  /POLYGON/i.test(t) ? "polygon" : /LINE/i.test(t) ? "line" : /POINT/i.test(t) ? "point" : "any";

const SOURCE = "layer";
const FILL = "#0284c7";

function dataLayers(sourceLayer: string, kind: Kind): StyleSpecification["layers"] {
  const common = { source: SOURCE, "source-layer": sourceLayer } as const;
  const layers: StyleSpecification["layers"] = [];
  if (kind === "polygon" || kind === "any") {
    layers.push(
      {
        id: "fill",
        type: "fill",
        ...common,
        filter: ["==", ["geometry-type"], "Polygon"],
        paint: { "fill-color": FILL, "fill-opacity": 0.35 },
      },
      {
        id: "outline",
        type: "line",
        ...common,
        filter: ["==", ["geometry-type"], "Polygon"],
        paint: { "line-color": "#075985", "line-width": 0.8 },
      },
    );
  }
  if (kind === "line" || kind === "any") {
    layers.push({
      id: "line",
      type: "line",
      ...common,
      filter: ["==", ["geometry-type"], "LineString"],
      paint: { "line-color": "#b45309", "line-width": 2 },
    });
  }
  if (kind === "point" || kind === "any") {
    layers.push({
      id: "point",
      type: "circle",
      ...common,
      filter: ["==", ["geometry-type"], "Point"],
      paint: { "circle-color": "#be123c", "circle-radius": 4, "circle-stroke-color": "#fff", "circle-stroke-width": 1 },
    });
  }
  return layers;
}

// Web Mercator cannot show the poles: a bbox reaching them is clamped, or the fit has no zoom.
const clampLat = (v: number) => Math.max(-85, Math.min(85, v));

export function VectorMap({
  tiles: tilePath,
  sourceLayer,
  noun = "features",
  geometryType,
  bbox,
  featureCount,
  basemapStyleUrl,
  tileCap,
}: VectorMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<"loading" | "ready" | "error">("loading");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let map: MapLibreMap | undefined;
    let cancelled = false;
    (async () => {
      const maplibregl = await import("maplibre-gl");
      if (cancelled || !container.current) return;
      // The bundler moves the library away from its worker file: serve the worker from our own route.
      maplibregl.setWorkerUrl(`${window.location.origin}/api/tiles/maplibre-worker`);
      const kind = kindOf(geometryType);
      const tiles = [`${window.location.origin}${tilePath}`];
      const offline: StyleSpecification = {
        version: 8,
        sources: {},
        // Follows the page theme at load (slate-200 / slate-800).
        layers: [
          {
            id: "background",
            type: "background",
            paint: { "background-color": document.documentElement.classList.contains("dark") ? "#1e293b" : "#e2e8f0" },
          },
        ],
      };
      const m = new maplibregl.Map({
        container: container.current,
        style: basemapStyleUrl ?? offline,
        bounds: bbox
          ? [
              [bbox[0], clampLat(bbox[1])],
              [bbox[2], clampLat(bbox[3])],
            ]
          : undefined,
        fitBoundsOptions: { padding: 24, maxZoom: 14 },
        center: bbox ? undefined : [0, 0],
        zoom: bbox ? undefined : 1,
        attributionControl: false,
        maxZoom: 18,
      });
      map = m;
      m.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
      m.on("error", (e) => setError(e.error?.message ?? "map error"));
      // The e2e tests ask the map where a feature is; harmless elsewhere.
      (container.current as HTMLDivElement & { __map?: MapLibreMap }).__map = m;
      m.on("load", () => {
        m.addSource(SOURCE, { type: "vector", tiles, minzoom: 0, maxzoom: 16 });
        const layers = dataLayers(sourceLayer, kind);
        for (const l of layers) m.addLayer(l);
        const ids = layers.map((l) => l.id);
        m.on("click", (e: MapMouseEvent) => {
          const hit: GeoJSONFeature | undefined = m.queryRenderedFeatures(e.point, { layers: ids })[0];
          if (!hit) return;
          const tableEl = document.createElement("table");
          tableEl.className = "geoetl-popup";
          const rows: [string, unknown][] = [
            ...(hit.id !== undefined ? [["id", hit.id] as [string, unknown]] : []),
            ...Object.entries(hit.properties ?? {}),
          ];
          for (const [k, v] of rows) {
            const tr = tableEl.insertRow();
            const th = document.createElement("th");
            th.textContent = k;
            th.style.cssText = "text-align:left;padding-right:8px;font-weight:600";
            tr.appendChild(th);
            tr.insertCell().textContent = v === null || v === undefined ? "" : String(v);
          }
          new maplibregl.Popup({ maxWidth: "320px" }).setLngLat(e.lngLat).setDOMContent(tableEl).addTo(m);
        });
        for (const id of ids) {
          m.on("mouseenter", id, () => (m.getCanvas().style.cursor = "pointer"));
          m.on("mouseleave", id, () => (m.getCanvas().style.cursor = ""));
        }
        m.once("idle", () => !cancelled && setStatus("ready"));
      });
    })().catch((err: unknown) => {
      if (!cancelled) {
        setStatus("error");
        setError(err instanceof Error ? err.message : String(err));
      }
    });
    return () => {
      cancelled = true;
      map?.remove();
    };
  }, [tilePath, sourceLayer, geometryType, bbox, basemapStyleUrl]);

  return (
    <div className="relative">
      <div
        ref={container}
        data-testid="layer-map"
        data-status={status}
        className="h-[28rem] w-full overflow-hidden rounded-lg border border-slate-200 bg-slate-200 text-slate-900 dark:border-slate-800"
      />
      <div
        className="pointer-events-none absolute left-2 top-2 rounded bg-white/90 px-2 py-1 text-xs shadow dark:bg-slate-900/90 dark:text-slate-100"
        data-testid="map-feature-count"
      >
        {featureCount === null ? "unknown number of" : featureCount.toLocaleString("en-US")} {noun} ·{" "}
        {geometryType.toLowerCase()}
        {tileCap && featureCount !== null && featureCount > tileCap ? (
          <span data-testid="tile-cap-note">
            {" "}
            · each tile shows at most {tileCap.toLocaleString("en-US")}: zoom in to see them all
          </span>
        ) : null}
      </div>
      {status === "loading" ? <p className="mt-1 text-xs text-slate-600">Loading map…</p> : null}
      {error ? (
        <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-400">
          Map: {error}
        </p>
      ) : null}
    </div>
  );
}
