import { useEffect, useState } from 'react';

/** The screen's size relative to the booth's full-HD design, kept current as the window resizes. */
export function useScreenScale(): number {
  const [scale, setScale] = useState(current);
  useEffect(() => {
    const onResize = () => setScale(current());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return scale;
}

function current(): number {
  return Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
}
