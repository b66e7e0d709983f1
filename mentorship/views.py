"""Pages of mentors and apprentices: 我的徒弟, 我的导师, a pairing's page and its forms."""
