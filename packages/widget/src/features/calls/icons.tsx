/** The call controls' pictures: simple shapes drawn here (no emoji, which many systems lack a font for). */
const PATHS = {
  mic: 'M9 5a3 3 0 0 1 6 0v6a3 3 0 0 1-6 0zM5 11h2a5 5 0 0 0 10 0h2a7 7 0 0 1-6 6.9V21h-2v-3.1A7 7 0 0 1 5 11z',
  camera: 'M2 6h13v12H2zm14 4 6-4v12l-6-4z',
  screen: 'M2 4h20v13H2zm2 2v9h16V6zM8 19h8v2H8zm4-12 4 4h-3v3h-2v-3H8z',
  devices: 'M3 6h10v2H3zm14 0h4v2h-4zm-2-2h2v6h-2zM3 16h4v2H3zm8 0h10v2H11zm-4-2h2v6H7z',
  hangUp: 'M12 9c-4 0-7.5 1.3-10 3.5L4.5 16 8 14.5v-3c1.3-.4 2.6-.5 4-.5s2.7.1 4 .5v3l3.5 1.5 2.5-3.5C19.5 10.3 16 9 12 9z',
} as const;

/** A control's icon (decorative: the button carries the name); `off` strikes it through. */
export function Icon({ name, off = false }: { name: keyof typeof PATHS; off?: boolean }) {
  return (
    <svg data-qc-icon="" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="currentColor" fill-rule="evenodd" />
      {off && <path d="M3 3l18 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />}
    </svg>
  );
}
