// Course goals API: GET /goals, POST /goals { text }, DELETE /goals/:id. Stores goals in MongoDB, given
// either as MONGODB_CONNECTION_STRING (a hosted database) or as MONGODB_URL host + user + password.
const http = require('http');
const { MongoClient, ObjectId } = require('mongodb');

const url =
  process.env.MONGODB_CONNECTION_STRING ||
  `mongodb://${encodeURIComponent(process.env.MONGODB_USERNAME)}:${encodeURIComponent(
    process.env.MONGODB_PASSWORD,
  )}@${process.env.MONGODB_URL}:27017/course-goals?authSource=admin`;
const client = new MongoClient(url);
const goals = client.db('course-goals').collection('goals');

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      try {
        resolve(data ? JSON.parse(data) : {});
      } catch (e) {
        reject(e);
      }
    });
  });
}

const server = http.createServer(async (req, res) => {
  try {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/goals') {
      const all = await goals.find().toArray();
      return send(res, 200, { goals: all.map((g) => ({ id: g._id, text: g.text })) });
    }
    if (req.method === 'POST' && path === '/goals') {
      const { text } = await readJson(req);
      if (!text || !String(text).trim()) return send(res, 422, { message: 'Invalid goal text.' });
      const { insertedId } = await goals.insertOne({ text: String(text).trim() });
      return send(res, 201, { message: 'Goal saved', goal: { id: insertedId, text } });
    }
    const match = /^\/goals\/([0-9a-f]{24})$/.exec(path);
    if (req.method === 'DELETE' && match) {
      await goals.deleteOne({ _id: new ObjectId(match[1]) });
      return send(res, 200, { message: 'Deleted goal!' });
    }
    return send(res, 404, { message: 'Not found' });
  } catch (err) {
    console.error(err);
    return send(res, 500, { message: 'Failed.' });
  }
});

client
  .connect()
  .then(() => server.listen(80, () => console.log('goals API listening on port 80')))
  .catch((err) => {
    console.error('cannot connect to MongoDB', err.message);
    process.exit(1);
  });
