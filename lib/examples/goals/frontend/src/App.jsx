import { useEffect, useState } from 'react';

// The API is served by the same load balancer under /goals, so relative URLs work in both twins.
export default function App() {
  const [goals, setGoals] = useState([]);
  const [text, setText] = useState('');
  const [error, setError] = useState();

  async function load() {
    const res = await fetch('/goals');
    if (!res.ok) throw new Error('Fetching the goals failed.');
    setGoals((await res.json()).goals);
  }

  useEffect(() => {
    load().catch((e) => setError(e.message));
  }, []);

  async function add(event) {
    event.preventDefault();
    const res = await fetch('/goals', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    if (!res.ok) return setError('Adding the goal failed.');
    setText('');
    await load();
  }

  async function remove(id) {
    await fetch(`/goals/${id}`, { method: 'DELETE' });
    await load();
  }

  return (
    <main>
      <form onSubmit={add}>
        <input value={text} onChange={(e) => setText(e.target.value)} aria-label="Goal" />
        <button type="submit">Add goal</button>
      </form>
      {error && <p role="alert">{error}</p>}
      <ul>
        {goals.map((g) => (
          <li key={g.id} onClick={() => remove(g.id)}>
            {g.text}
          </li>
        ))}
      </ul>
    </main>
  );
}
