-- Databases of the recommender system: one per data set it trains on. Re-runnable: creating a database
-- that exists fails that statement only.
CREATE DATABASE similarity;
CREATE DATABASE feedback;
CREATE DATABASE training;
CREATE DATABASE models;
