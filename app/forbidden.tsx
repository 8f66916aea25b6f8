import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto mt-24 max-w-md p-8 text-center">
      <h1 className="text-2xl font-semibold">403 · Not allowed</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">Your role cannot open this page. Ask an admin if you need it.</p>
      <Link href="/" className="mt-4 inline-block text-sky-700 underline dark:text-sky-400">Back to the overview</Link>
    </main>
  );
}
