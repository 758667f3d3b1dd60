"""Name and place lists for the synthetic force generator.

Everything here is invented or common-noun material: the generator combines these at random, so a
generated person matching a real one is chance. Spelling variants feed `person_alias`, which lets
record-linking code be tested against the same person recorded under several spellings.
"""

FORENAMES = [
    "Aaliyah", "Abdul", "Adam", "Adrian", "Aisha", "Alan", "Alex", "Alfie", "Alice", "Amanda",
    "Amelia", "Amir", "Amy", "Andrew", "Angela", "Anna", "Anthony", "Archie", "Arjun", "Ava",
    "Barry", "Ben", "Bethany", "Bilal", "Brian", "Callum", "Carl", "Caroline", "Catherine",
    "Charlie", "Charlotte", "Chloe", "Chris", "Claire", "Colin", "Connor", "Craig", "Daniel",
    "Darren", "David", "Dean", "Deborah", "Declan", "Dylan", "Eleanor", "Elijah", "Ellie", "Emily",
    "Emma", "Ethan", "Faisal", "Fatima", "Finley", "Freya", "Gareth", "Gary", "Gemma", "George",
    "Grace", "Graham", "Hannah", "Harry", "Harvey", "Hayley", "Helen", "Imran", "Isabella", "Isla",
    "Jack", "Jacob", "Jade", "James", "Jamie", "Jasmine", "Jason", "Jayden", "Jennifer", "Jessica",
    "Joanne", "Joe", "John", "Jordan", "Joseph", "Joshua", "Julie", "Karen", "Kate", "Kayleigh",
    "Keith", "Kelly", "Kevin", "Kieran", "Kyle", "Laura", "Lauren", "Layla", "Leah", "Lee", "Leo",
    "Liam", "Lily", "Lisa", "Logan", "Louise", "Lucy", "Luke", "Maria", "Mark", "Martin", "Mason",
    "Matthew", "Megan", "Mia", "Michael", "Michelle", "Mohammed", "Molly", "Muhammad", "Natalie",
    "Nathan", "Neil", "Nicola", "Noah", "Oliver", "Olivia", "Oscar", "Patrick", "Paul", "Peter",
    "Phoebe", "Priya", "Rachel", "Rebecca", "Reece", "Richard", "Riley", "Robert", "Ruby", "Ryan",
    "Samantha", "Samuel", "Sarah", "Scott", "Sean", "Shane", "Sophie", "Stacey", "Stephen",
    "Steven", "Stuart", "Thomas", "Tom", "Tony", "Tyler", "Usman", "Vanessa", "Victoria", "Wayne",
    "William", "Yasmin", "Zainab", "Zara", "Zoe",
]

SURNAMES = [
    "Abbott", "Ahmed", "Ali", "Allen", "Anderson", "Armstrong", "Atkinson", "Bailey", "Baker",
    "Ball", "Barker", "Barnes", "Begum", "Bell", "Bennett", "Bibi", "Bird", "Black", "Bradley",
    "Brennan", "Brooks", "Brown", "Burke", "Butler", "Byrne", "Campbell", "Carroll", "Carter",
    "Chapman", "Clarke", "Coleman", "Collins", "Cook", "Cooper", "Cox", "Crawford", "Cunningham",
    "Davies", "Davis", "Dawson", "Dixon", "Doherty", "Doyle", "Duffy", "Dunn", "Edwards", "Ellis",
    "Evans", "Farrell", "Fisher", "Fitzgerald", "Fletcher", "Foster", "Fox", "Gallagher", "Gibson",
    "Gill", "Graham", "Grant", "Gray", "Green", "Griffiths", "Hall", "Hamilton", "Harris",
    "Harrison", "Hart", "Hayes", "Hill", "Holmes", "Hughes", "Hunt", "Hussain", "Jackson", "James",
    "Jenkins", "Johnson", "Johnston", "Jones", "Kaur", "Kelly", "Kennedy", "Khan", "King",
    "Knight", "Lawrence", "Lee", "Lewis", "Lloyd", "Lynch", "Mahmood", "Marshall", "Martin",
    "Mason", "Matthews", "McCarthy", "McDonald", "McLaughlin", "Mills", "Mitchell", "Moore",
    "Morgan", "Morris", "Murphy", "Murray", "Nelson", "Nolan", "O'Brien", "O'Neill", "Owen",
    "Palmer", "Parker", "Patel", "Pearson", "Phillips", "Powell", "Price", "Quinn", "Rahman",
    "Reid", "Reynolds", "Richards", "Richardson", "Riley", "Roberts", "Robinson", "Rogers", "Rose",
    "Russell", "Ryan", "Saunders", "Scott", "Shah", "Sharma", "Shaw", "Simpson", "Singh", "Smith",
    "Spencer", "Stevens", "Stewart", "Sullivan", "Taylor", "Thomas", "Thompson", "Turner",
    "Walker", "Wallace", "Walsh", "Ward", "Watson", "Webb", "Wells", "White", "Wilkinson",
    "Williams", "Wilson", "Wood", "Woods", "Wright", "Young",
]

# Known alternative spellings, used first when making an alias; other names get a typo-like edit.
FORENAME_VARIANTS = {
    "Mohammed": ["Muhammad", "Mohammad", "Mohamed"],
    "Muhammad": ["Mohammed", "Muhammed"],
    "Stephen": ["Steven", "Steve"],
    "Steven": ["Stephen", "Stevie"],
    "Sean": ["Shaun", "Shawn"],
    "Kayleigh": ["Kayley", "Kaylee"],
    "Hayley": ["Haley", "Hailey"],
    "Jayden": ["Jaden", "Jaiden"],
    "Zoe": ["Zoey", "Zoë"],
    "Isla": ["Islay"],
    "Leah": ["Lea"],
    "Callum": ["Calum"],
    "Reece": ["Rhys", "Reese"],
    "Jamie": ["Jaime", "Jamey"],
    "Michael": ["Micheal", "Mike"],
    "Christopher": ["Kristopher", "Chris"],
    "Chris": ["Kris"],
    "Catherine": ["Katherine", "Kathryn", "Cathy"],
    "Kate": ["Cate"],
    "Sarah": ["Sara"],
    "Joanne": ["Jo-Anne", "Joanna"],
    "Thomas": ["Tom", "Tommy"],
    "William": ["Will", "Bill"],
    "Daniel": ["Danny", "Dan"],
    "Anthony": ["Antony", "Tony"],
    "Nicola": ["Nicole", "Nikki"],
    "Rebecca": ["Rebekah", "Becky"],
    "Louise": ["Louisa"],
    "Yasmin": ["Yasmine", "Jasmin"],
    "Aaliyah": ["Aliyah", "Aleah"],
}

SURNAME_VARIANTS = {
    "O'Brien": ["OBrien", "O Brien", "Obrien"],
    "O'Neill": ["ONeill", "O'Neil", "Oneill"],
    "McDonald": ["MacDonald", "Mcdonald"],
    "McCarthy": ["MacCarthy", "Mccarthy"],
    "McLaughlin": ["MacLaughlin", "McLoughlin"],
    "Hussain": ["Hussein", "Husain"],
    "Mahmood": ["Mahmud", "Mehmood"],
    "Rahman": ["Rehman"],
    "Davies": ["Davis"],
    "Davis": ["Davies"],
    "Thompson": ["Thomson", "Tompson"],
    "Johnston": ["Johnstone", "Johnson"],
    "Clarke": ["Clark"],
    "Gray": ["Grey"],
    "Philips": ["Phillips"],
    "Phillips": ["Philips"],
    "Reid": ["Reed", "Read"],
    "Byrne": ["Byrnes", "Burn"],
    "Doherty": ["Docherty", "Dougherty"],
    "Wilkinson": ["Wilkenson"],
}

STREET_NAMES = [
    "Acacia", "Albert", "Alexandra", "Ash", "Beech", "Bridge", "Brook", "Canal", "Castle", "Cedar",
    "Chapel", "Charles", "Church", "Clarence", "College", "Coronation", "Cross", "Derby", "Dock",
    "Elm", "Exchange", "Field", "Forest", "George", "Grange", "Green", "Grove", "Hall", "Harbour",
    "Hawthorn", "Heath", "High", "Highfield", "Hill", "Holly", "Kings", "Laburnum", "Lime",
    "Manor", "Maple", "Market", "Meadow", "Mill", "Moss", "New", "North", "Oak", "Orchard", "Park",
    "Priory", "Queens", "Railway", "Regent", "Richmond", "Rose", "School", "South", "Springfield",
    "Stanley", "Station", "Union", "Vicarage", "Victoria", "Water", "Well", "West", "Willow",
    "Windsor", "York",
]

STREET_SUFFIXES = ["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent",
                   "Grove", "Terrace", "Place", "Walk"]

# Places where offences are recorded: a few kinds of premises besides home addresses.
PREMISES = [
    "outside {n} {street}", "{street} retail park", "{street} shopping centre",
    "car park, {street}", "{street} bus station", "rear of {n} {street}", "{n} {street}",
    "{street} park", "{street} service station", "{street} public house",
]

INCIDENT_TYPES = {
    "homicide": "Suspicious death",
    "rape": "Sexual offence",
    "other sexual offences": "Sexual offence",
    "robbery": "Robbery",
    "violence with injury": "Assault",
    "violence without injury": "Assault",
    "stalking and harassment": "Harassment",
    "public order": "Public order",
    "residential burglary": "Burglary (residential)",
    "non-residential burglary": "Burglary (business)",
    "vehicle crime": "Vehicle crime",
    "theft from the person": "Theft",
    "bicycle theft": "Theft",
    "shoplifting": "Shoplifting",
    "other theft": "Theft",
    "criminal damage": "Criminal damage",
    "arson": "Fire / arson",
    "possession of weapons": "Weapons",
    "drug possession": "Drugs",
    "drug trafficking": "Drugs",
    "other crime": "Crime - other",
}

# Calls that do not result in a crime record but still take police time.
NON_CRIME_INCIDENT_TYPES = [
    ("Concern for safety", 0.22), ("Anti-social behaviour", 0.20), ("Mental health", 0.10),
    ("Missing person", 0.07), ("Domestic incident (non-crime)", 0.10), ("Road traffic collision", 0.08),
    ("Suspicious circumstances", 0.09), ("Noise / neighbour dispute", 0.06), ("Alarm activation", 0.05),
    ("Public safety / welfare", 0.03),
]
