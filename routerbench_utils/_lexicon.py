"""Word lists and templates for the embedded data's synthetic prompts.

The prompts are not real benchmark questions: they are short template sentences whose topic words
reveal the topic (as an MMLU subject header or an ARC science area would) and whose extra clauses grow
with the prompt's latent difficulty, so a text embedding can recover topic and part of the difficulty.
"""
from __future__ import annotations

# Topics of the datasets other than MMLU (whose topics are its 57 subjects), each with a word list.
TOPICS: dict[str, dict[str, list[str]]] = {
    "arc-challenge": {
        "forces and motion": ["force", "friction", "gravity", "speed", "ramp", "magnet", "momentum", "pulley"],
        "life science": ["cell", "plant", "photosynthesis", "species", "gene", "organism", "seed", "trait"],
        "earth science": ["rock", "erosion", "volcano", "mineral", "soil", "glacier", "fossil", "sediment"],
        "space": ["planet", "moon", "orbit", "star", "eclipse", "comet", "season", "telescope"],
        "matter": ["atom", "molecule", "reaction", "mixture", "element", "boiling", "density", "solution"],
        "ecology": ["habitat", "predator", "population", "food-web", "drought", "prey", "wetland", "decomposer"],
        "energy": ["circuit", "battery", "heat", "light", "sound", "wave", "insulator", "conductor"],
    },
    "winogrande": {
        "home": ["kitchen", "sofa", "garden", "laundry", "window", "roof", "closet", "carpet"],
        "work": ["meeting", "manager", "deadline", "report", "office", "salary", "client", "promotion"],
        "school": ["exam", "teacher", "homework", "library", "essay", "lecture", "grade", "semester"],
        "sports": ["marathon", "coach", "tennis", "stadium", "team", "trophy", "practice", "injury"],
        "food": ["recipe", "oven", "soup", "bakery", "spices", "dinner", "dessert", "restaurant"],
        "health": ["doctor", "medicine", "fever", "diet", "gym", "sleep", "clinic", "allergy"],
    },
    "hellaswag": {
        "cooking": ["chops", "onions", "stirs", "pan", "sauce", "kneads", "dough", "skillet"],
        "sports": ["dribbles", "ball", "hoop", "serves", "racket", "swims", "lap", "kicks"],
        "personal care": ["brushes", "hair", "razor", "shaves", "lotion", "mirror", "nails", "makeup"],
        "home repair": ["drill", "wall", "paint", "tiles", "hammer", "ladder", "sands", "screws"],
        "music": ["guitar", "strums", "drums", "violin", "bow", "piano", "keys", "harmonica"],
        "pets": ["dog", "leash", "grooms", "cat", "brush", "bathes", "puppy", "treats"],
        "outdoors": ["kayak", "paddles", "tent", "hikes", "trail", "rope", "climbs", "campfire"],
    },
    "grade-school-math": {
        "shopping": ["dollars", "price", "buys", "discount", "store", "coupon", "cents", "sells"],
        "time": ["hours", "minutes", "week", "days", "schedule", "shift", "clock", "month"],
        "baking": ["cookies", "cups", "flour", "batch", "eggs", "cupcakes", "sugar", "trays"],
        "travel": ["miles", "train", "speed", "trip", "gallons", "road", "bus", "kilometers"],
        "school": ["students", "class", "pencils", "books", "teacher", "desks", "pages", "field-trip"],
        "farm": ["apples", "chickens", "cows", "acres", "baskets", "eggs", "farmer", "harvest"],
        "savings": ["saves", "allowance", "interest", "bank", "weekly", "budget", "earns", "spends"],
    },
    "mbpp": {
        "strings": ["string", "characters", "substring", "vowels", "reverse", "uppercase", "palindrome", "words"],
        "lists": ["list", "elements", "index", "duplicates", "sublist", "flatten", "rotate", "pairs"],
        "arithmetic": ["number", "sum", "digits", "prime", "factorial", "divisors", "square", "gcd"],
        "dictionaries": ["dictionary", "keys", "values", "frequency", "count", "merge", "mapping", "lookup"],
        "sorting": ["sort", "order", "ascending", "heap", "smallest", "largest", "kth", "median"],
        "regex": ["regex", "pattern", "match", "whitespace", "replace", "split", "digits-only", "email"],
        "tuples": ["tuple", "tuples", "nested", "zip", "records", "columns", "matrix", "cumulative"],
    },
    "mtbench": {
        "writing": ["blog", "story", "poem", "email", "persuasive", "travel", "draft", "essay"],
        "roleplay": ["pretend", "character", "imagine", "role", "act", "persona", "scene", "dialogue"],
        "reasoning": ["puzzle", "logic", "riddle", "deduce", "sequence", "statement", "paradox", "clue"],
        "math": ["equation", "probability", "triangle", "area", "solve", "integer", "derivative", "sum"],
        "coding": ["function", "python", "algorithm", "bug", "program", "complexity", "recursion", "array"],
        "extraction": ["extract", "json", "table", "names", "dates", "summarize", "fields", "document"],
        "stem": ["quantum", "enzyme", "climate", "circuit", "vaccine", "entropy", "orbit", "protein"],
        "humanities": ["history", "philosophy", "novel", "economy", "culture", "ethics", "policy", "art"],
    },
}

# Clauses that make a prompt harder to answer: the more of them, the higher the latent difficulty.
HARD_CLAUSES = [
    "except in the second case", "assuming the first value doubles", "but not counting the remainder",
    "unless the conditions are reversed", "given that both statements hold", "and only if neither applies",
    "considering every exception", "after subtracting the earlier amount", "in the least likely case",
    "when the order is swapped",
]

# Generic words shared by every topic (they carry no signal).
FILLER = ["which", "following", "best", "describes", "most", "likely", "correct", "option", "then",
          "would", "result", "because", "each", "first", "next", "what", "happens", "explain"]

# MMLU subjects grouped into the four areas MMLU reports, with area words for the question body.
MMLU_AREAS: dict[str, list[str]] = {
    "stem": ["equation", "theorem", "energy", "molecule", "algorithm", "matrix", "probability", "circuit"],
    "humanities": ["treaty", "argument", "century", "doctrine", "empire", "virtue", "court", "scripture"],
    "social sciences": ["market", "policy", "inflation", "behavior", "survey", "voters", "demand", "region"],
    "other": ["patient", "diagnosis", "nutrient", "audit", "brand", "symptom", "ledger", "dosage"],
}
MMLU_AREA_OF = {
    **{s: "stem" for s in [
        "abstract-algebra", "anatomy", "astronomy", "college-biology", "college-chemistry",
        "college-computer-science", "college-mathematics", "college-physics", "computer-security",
        "conceptual-physics", "electrical-engineering", "elementary-mathematics", "high-school-biology",
        "high-school-chemistry", "high-school-computer-science", "high-school-mathematics",
        "high-school-physics", "high-school-statistics", "machine-learning"]},
    **{s: "humanities" for s in [
        "formal-logic", "high-school-european-history", "high-school-us-history",
        "high-school-world-history", "international-law", "jurisprudence", "logical-fallacies",
        "moral-disputes", "moral-scenarios", "philosophy", "prehistory", "professional-law",
        "world-religions"]},
    **{s: "social sciences" for s in [
        "econometrics", "high-school-geography", "high-school-government-and-politics",
        "high-school-macroeconomics", "high-school-microeconomics", "high-school-psychology",
        "human-sexuality", "professional-psychology", "public-relations", "security-studies",
        "sociology", "us-foreign-policy"]},
}
