// confsite search client (being written).
