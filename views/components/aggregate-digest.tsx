/**
 * The digest of an encrypted vote's aggregate as the seal fixed it, short and readable (seven
 * groups of four, src/decryption/as-sealed.ts digestWords), drawn like the key ceremony's
 * fingerprints: for people to compare with the one announced at the seal (docs/decryption.md).
 */
export function AggregateDigest({ label, words, say }: { label: string; words: string; say: string }) {
  return (
    <div class="fingerprint-check" id="decryption-digest">
      <dl class="facts facts--wide big-facts">
        <div><dt>{label}</dt><dd><code class="fingerprint" data-aggregate-digest>{words}</code></dd></div>
      </dl>
      <p class="fingerprint-check__say">{say}</p>
    </div>
  );
}
