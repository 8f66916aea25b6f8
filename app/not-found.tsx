import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto mt-24 max-w-md p-8 text-center">
      <h1 className="text-2xl font-semibold">404 · Not found</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        There is nothing at this address. It may have been deleted, or the link is wrong.
      </p>
      <Link href="/" className="mt-4 inline-block text-sky-700 underline dark:text-sky-400">
        Back to the overview
      </Link>
    </main>
  );
}
